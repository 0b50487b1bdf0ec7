/**
 * Ctrl-C cancels a command's job instead of killing the process, so the job can stop cleanly
 * (release a lock, close the store). `stop` removes the handler once the job is over.
 */
export function cancelOnSigint(message = 'cancelling…'): { signal: AbortSignal; stop: () => void } {
  const ac = new AbortController();
  const onSigint = () => {
    process.stderr.write(`\n${message}\n`);
    ac.abort();
  };
  process.once('SIGINT', onSigint);
  return { signal: ac.signal, stop: () => process.off('SIGINT', onSigint) };
}
