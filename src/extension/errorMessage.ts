/** What to tell the user about a failure: an Error's message (the server's, through the client), else the value itself. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
