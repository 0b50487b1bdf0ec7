/**
 * The settings that decide what leaves the machine are the user's alone: VS Code parses a workspace's
 * or folder's settings.json with the window, resource, language-overridable and machine-overridable
 * scopes only, so an `application` (or `machine`) setting there is ignored and a cloned repository
 * cannot switch redaction off or pick the model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Setting {
  scope?: string;
  markdownDescription?: string;
}
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Setting> } | { properties: Record<string, Setting> }[] };
};
const sections = [manifest.contributes.configuration].flat();
const setting = (key: string) => sections.map((s) => s.properties[key]).find(Boolean)!;

describe('settings a workspace cannot set', () => {
  it.each(['ticketLens.redactPii', 'ticketLens.claudeModel'])('%s is user-only (application or machine scope) and says so', (key) => {
    const s = setting(key);
    expect(['application', 'machine']).toContain(s.scope);
    expect(s.markdownDescription).toMatch(/user setting only.*workspace.*cannot change it/i);
  });
});
