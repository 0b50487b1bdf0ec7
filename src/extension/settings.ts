/**
 * The `ticketLens.*` settings as one typed, validated value. The rules (defaults, workspace trust,
 * invalid values) live here without the editor, so they can be tested; config.ts feeds them from
 * the VS Code configuration.
 */
import { z } from 'zod';
import { DEFAULT_LABEL_MODEL, Device, Dtype, type LabelOptionsInput } from '../shared/api';

export interface Config {
  modelPath: string;
  device: Device;
  dtype: Dtype;
  minClusterSize: number | 'auto';
  depth: number;
  /** Cluster This CSV normalises texts before embedding and keywords (src/shared/normalizeRules.ts). */
  normalizeText: boolean;
  /** Cluster This CSV moves rows HDBSCAN leaves as noise into their most similar cluster ('auto', src/server/cluster/outliers.ts). */
  reassignOutliers: boolean;
  claudeModel: string;
  concurrency: number;
  redactPii: boolean;
  /** Spending caps and a time limit for one labelling job; 0 = none. */
  maxTokens: number;
  budgetUsd: number;
  deadlineMinutes: number;
  /** A shipped classifier name ("bitext", "banking77") or a .tlc path; "" = zero-shot sets only. */
  classifierModel: string;
  zeroShotSets: string[];
  /** The Ticket Store: "" = embedded in the workspace; else a PostgreSQL connection string without its password (storeLocation.ts). */
  database: string;
}

export type SettingKey = keyof Config;

/** The defaults package.json declares; a missing or invalid value falls back to these. */
export function defaultConfig(): Config {
  return {
    modelPath: '',
    device: 'auto',
    dtype: 'q8',
    minClusterSize: 'auto',
    depth: 2,
    normalizeText: true,
    reassignOutliers: true,
    claudeModel: DEFAULT_LABEL_MODEL,
    concurrency: 4,
    redactPii: true,
    maxTokens: 0,
    budgetUsd: 0,
    deadlineMinutes: 0,
    classifierModel: 'bitext',
    zeroShotSets: ['category', 'priority', 'sentiment'],
    database: '',
  };
}

/** "auto", or a whole number of rows ≥ 2 (written as a number or, as the setting's type says, a string). */
const MinClusterSize = z.union([
  z.literal('auto'),
  z.coerce.number().int().min(2),
]);

/** Each setting's accepted values, as package.json declares them (the editor does not enforce ranges in settings.json). */
const schemas: { [K in SettingKey]: z.ZodType<Config[K]> } = {
  modelPath: z.string(),
  device: Device,
  dtype: Dtype,
  minClusterSize: MinClusterSize,
  depth: z.number().int().min(1).max(4),
  normalizeText: z.boolean(),
  reassignOutliers: z.boolean(),
  claudeModel: z.string().min(1),
  concurrency: z.number().int().min(1).max(16),
  redactPii: z.boolean(),
  maxTokens: z.number().int().min(0),
  budgetUsd: z.number().min(0),
  deadlineMinutes: z.number().min(0),
  classifierModel: z.string(),
  zeroShotSets: z.array(z.string()),
  database: z.string(),
};

/**
 * Settings that can point the server at code or files to load: an untrusted workspace's value is
 * ignored and only the user's own (global) value counts (restrictedConfigurations in package.json).
 */
export const RESTRICTED_SETTINGS: readonly SettingKey[] = ['modelPath', 'classifierModel'];

/** The effective value of a setting (workspace over user), or undefined when none is set. */
export type SettingGet = (key: SettingKey) => unknown;
/** The values per scope; only the user's (global) value is used here. */
export type SettingInspect = (key: SettingKey) => { globalValue?: unknown } | undefined;

export function parseConfig(get: SettingGet, inspect: SettingInspect, isTrusted: boolean, warn: (message: string) => void = () => {}): Config {
  const read = <K extends SettingKey>(key: K): Config[K] => {
    const raw = isTrusted || !RESTRICTED_SETTINGS.includes(key) ? get(key) : inspect(key)?.globalValue;
    if (raw === undefined || raw === null) return defaultConfig()[key];
    const parsed = schemas[key].safeParse(raw);
    if (parsed.success) return parsed.data;
    const fallback = defaultConfig()[key];
    warn(`ticketLens.${key}: ${JSON.stringify(raw)} is not valid (${parsed.error.issues[0]?.message ?? 'invalid'}); using ${JSON.stringify(fallback)}.`);
    return fallback;
  };
  return {
    modelPath: read('modelPath'),
    device: read('device'),
    dtype: read('dtype'),
    minClusterSize: read('minClusterSize'),
    depth: read('depth'),
    normalizeText: read('normalizeText'),
    reassignOutliers: read('reassignOutliers'),
    claudeModel: read('claudeModel'),
    concurrency: read('concurrency'),
    redactPii: read('redactPii'),
    maxTokens: read('maxTokens'),
    budgetUsd: read('budgetUsd'),
    deadlineMinutes: read('deadlineMinutes'),
    classifierModel: read('classifierModel'),
    zeroShotSets: read('zeroShotSets'),
    database: read('database'),
  };
}

/** The options every labelling request carries (estimate, preview and the job alike); a cap of 0 is none. */
export function labelOptions(config: Config): LabelOptionsInput {
  return {
    model: config.claudeModel,
    concurrency: config.concurrency,
    redact: config.redactPii,
    maxTokens: config.maxTokens > 0 ? config.maxTokens : null,
    budgetUsd: config.budgetUsd > 0 ? config.budgetUsd : null,
    deadlineMs: config.deadlineMinutes > 0 ? Math.max(1, Math.round(config.deadlineMinutes * 60_000)) : null,
  };
}
