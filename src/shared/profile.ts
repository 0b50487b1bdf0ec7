/**
 * The data profile of a CSV (issue 15, "Profile This CSV"): what a support lead looks at before
 * clustering. `ticket-lens profile` writes it as profile.json (this schema) and profile.md; the
 * POST /profile job returns it and the profile webview draws it. The engine is src/server/profile.
 *
 * Personal data is counted per kind, never stored: the example texts a profile carries (the most
 * repeated ones, near-duplicate pairs) have been through the redactor, so no value it recognises
 * reaches the file or the view. Top words are counted on the texts as written (as cluster keywords
 * are); only the twenty most frequent are kept, overall and per class.
 */
import * as z from 'zod';
import { NormalizeRuleId } from './normalizeRules';

export const PROFILE_JSON = 'profile.json';
export const PROFILE_MD = 'profile.md';

/** Cosine similarity at or above which two distinct texts count as near-duplicates by embedding. */
export const NEAR_DUPLICATE_COSINE = 0.95;

export const ProfileRequest = z.object({
  csvPath: z.string().min(1),
  textColumn: z.string().min(1),
  labelColumn: z.string().min(1).nullable().optional(),
  dateColumn: z.string().min(1).nullable().optional(),
  /** Also look for near-duplicates by embedding (loads the model; slower). */
  nearDuplicates: z.boolean().default(false),
});
export type ProfileRequest = z.input<typeof ProfileRequest>;
export type ProfileRequestParsed = z.infer<typeof ProfileRequest>;

/** Order statistics of a numeric column (nearest-rank percentiles). */
export const Summary = z.object({
  min: z.number(),
  p25: z.number(),
  median: z.number(),
  mean: z.number(),
  p75: z.number(),
  p90: z.number(),
  p99: z.number(),
  max: z.number(),
});
export type Summary = z.infer<typeof Summary>;

/** Counts per bin: bin i holds values v with edges[i] ≤ v < edges[i + 1] (the last bin is open above). */
export const Histogram = z.object({ edges: z.array(z.number()), counts: z.array(z.number().int()) });
export type Histogram = z.infer<typeof Histogram>;

export const TextCount = z.object({ text: z.string(), count: z.number().int() });
export type TextCount = z.infer<typeof TextCount>;

/** One way of calling two texts the same: how many distinct texts, repeated ones and extra rows it finds. */
export const DuplicateStats = z.object({
  /** Distinct texts under this rule. */
  distinct: z.number().int(),
  /** Texts (under this rule) that occur on more than one row. */
  groups: z.number().int(),
  /** Rows beyond the first of their group: rows − distinct. */
  rows: z.number().int(),
  /** The most repeated, redacted (see the module comment). */
  top: z.array(TextCount),
});
export type DuplicateStats = z.infer<typeof DuplicateStats>;

export const NearDuplicates = DuplicateStats.omit({ top: true }).extend({
  threshold: z.number(),
  /** A group's first text and a later member, the closest pairs first, redacted. */
  examples: z.array(z.object({ a: z.string(), b: z.string(), similarity: z.number() })),
});
export type NearDuplicates = z.infer<typeof NearDuplicates>;

export const TermCount = z.object({ term: z.string(), count: z.number().int() });
export type TermCount = z.infer<typeof TermCount>;

export const TopTerms = z.object({ words: z.array(TermCount), bigrams: z.array(TermCount) });
export type TopTerms = z.infer<typeof TopTerms>;

export const LabelCount = z.object({ label: z.string(), count: z.number().int() });
export type LabelCount = z.infer<typeof LabelCount>;

export const LabelProfile = z.object({
  column: z.string(),
  classes: z.number().int(),
  /** Rows (with text) whose label cell is empty: not a class. */
  missing: z.number().int(),
  /** Most frequent first. */
  counts: z.array(LabelCount),
  /** Largest class ÷ smallest class. */
  imbalanceRatio: z.number(),
  /** Shannon entropy of the class shares, in bits, and divided by log2(classes) (1 = perfectly balanced). */
  entropyBits: z.number(),
  normalizedEntropy: z.number(),
});
export type LabelProfile = z.infer<typeof LabelProfile>;

export const PlaceholderCount = z.object({ name: z.string(), count: z.number().int(), rows: z.number().int() });
export type PlaceholderCount = z.infer<typeof PlaceholderCount>;
export const PiiCount = z.object({ kind: z.string(), count: z.number().int(), rows: z.number().int() });
export type PiiCount = z.infer<typeof PiiCount>;

/** A data row (1-based) and the physical line it starts on, for "reveal in file". */
export const RowRef = z.object({ row: z.number().int().min(1), line: z.number().int().min(1) });
export type RowRef = z.infer<typeof RowRef>;

export const DateProfile = z.object({
  column: z.string(),
  dated: z.number().int(),
  empty: z.number().int(),
  unparseable: z.number().int(),
  /** The first few rows that hold something that is not a date, for "reveal in file". */
  unparseableRows: z.array(RowRef),
  /** Slash dates read day first (13/5/2024 seen, 5/13/2024 not). */
  dayFirst: z.boolean(),
  /** Both day-first and month-first slash dates: read month first, and worth fixing in the file. */
  mixedDayOrder: z.boolean(),
  /** ISO instants (UTC); null when no cell is a date. */
  min: z.string().nullable(),
  max: z.string().nullable(),
  /** Every month from min to max, empty months included. */
  perMonth: z.array(z.object({ month: z.string(), count: z.number().int() })),
});
export type DateProfile = z.infer<typeof DateProfile>;

export const Profile = z.object({
  input: z.object({
    path: z.string(),
    textColumn: z.string(),
    labelColumn: z.string().nullable(),
    dateColumn: z.string().nullable(),
    header: z.array(z.string()),
  }),
  createdAt: z.string(),
  /** Data rows read, empty texts included. */
  rows: z.number().int(),
  /** The first few, for "reveal in file". */
  emptyTexts: z.object({ count: z.number().int(), rows: z.array(RowRef) }),
  duplicates: z.object({
    exact: DuplicateStats,
    /** Lower-cased, every run of characters other than letters and digits read as one space. */
    folded: DuplicateStats,
    /** Null unless asked for (it needs the model). */
    embedding: NearDuplicates.nullable(),
  }),
  length: z.object({
    chars: z.object({ summary: Summary, histogram: Histogram }),
    tokens: z.object({
      /** The model whose tokenizer counted (the [CLS] and [SEP] tokens included). */
      model: z.string(),
      maxLength: z.number().int(),
      summary: Summary,
      histogram: Histogram,
      /** Texts longer than maxLength tokens: the model reads only their start. */
      truncated: z.number().int(),
      truncatedShare: z.number(),
    }),
  }),
  labels: LabelProfile.nullable(),
  terms: z.object({
    overall: TopTerms,
    /** For the largest classes of the label column (at most MAX_PROFILED_LABELS). */
    perLabel: z.array(TopTerms.extend({ label: z.string() })),
  }),
  placeholders: z.object({ rows: z.number().int(), names: z.array(PlaceholderCount) }),
  /**
   * Texts each normalisation rule changes (src/shared/normalizeRules.ts, in its order): what Cluster
   * This CSV takes out before embedding and keywords unless normalisation is switched off.
   */
  normalization: z.array(z.object({ rule: NormalizeRuleId, texts: z.number().int() })),
  personalData: z.object({ rows: z.number().int(), kinds: z.array(PiiCount) }),
  dates: DateProfile.nullable(),
});
export type Profile = z.infer<typeof Profile>;

/** Classes whose top terms a profile lists. */
export const MAX_PROFILED_LABELS = 50;

// ---- The profile webview's messages (both directions), parsed on receipt like the summary's.

export const ProfileHostToWebview = z.discriminatedUnion('type', [z.object({ type: z.literal('profile'), profile: Profile }), z.object({ type: z.literal('error'), message: z.string() })]);
export type ProfileHostToWebview = z.infer<typeof ProfileHostToWebview>;

export const ProfileWebviewToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** Open the input CSV at a row (an empty text, a cell that is not a date). */
  z.object({ type: z.literal('reveal'), row: z.number().int().min(1), line: z.number().int().min(1) }),
]);
export type ProfileWebviewToHost = z.infer<typeof ProfileWebviewToHost>;
