import { describe, expect, it } from 'vitest';
import { spawnServe } from '../../support/cli';
import { modelDir } from '../../support/model';

describe('ticket-lens serve (a real child process)', () => {
  it('prints one JSON ready line, uses TICKET_LENS_TOKEN, and exits 0 on SIGTERM', async () => {
    const s = await spawnServe(['--model', modelDir()], { TICKET_LENS_TOKEN: 'test-token-1234567890' });
    expect(s.ready).toMatchObject({ event: 'ready', pid: s.child.pid });
    expect(typeof s.ready.port).toBe('number');
    expect(s.ready.token).toBeUndefined(); // supplied, so not printed
    const ok = await fetch(`http://127.0.0.1:${s.port}/health`, { headers: { authorization: 'Bearer test-token-1234567890' } });
    expect(ok.status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      s.child.on('exit', resolve);
      s.child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('prints a generated token when none is supplied', async () => {
    const env = { ...process.env };
    delete env.TICKET_LENS_TOKEN;
    const s = await spawnServe(['--model', modelDir()], { TICKET_LENS_TOKEN: '' });
    expect(typeof s.ready.token).toBe('string');
    expect((s.ready.token as string).length).toBeGreaterThanOrEqual(32);
    s.child.kill('SIGTERM');
  });

  it('exits when its parent (an IPC channel) goes away', async () => {
    const { fork } = await import('node:child_process');
    const { CLI } = await import('../../support/cli');
    const child = fork(CLI, ['serve', '--model', modelDir()], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, TICKET_LENS_TOKEN: 'x'.repeat(32) } });
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.disconnect();
    expect(await exited).toBe(0);
  });
});
