/**
 * The first schema. Every table lives in the `ticket_lens` schema, so a team's database can hold it
 * beside its own tables. Ids: a dataset by its name, a ticket by (dataset, ticket_id) where ticket_id is
 * the CSV's id column or `row<N>-<hash of the text>`; `pk` is the internal key other tables point at.
 * Runs, clusters, assignments, label edits and tags are laid out for the features that follow ingest
 * (issue 13: clustering and assigning from the store, trends, tags); ingest leaves them empty.
 */
import { STORE_DIM } from '../dim';

export const name = 'initial schema';

export const sql = /* sql */ `
CREATE EXTENSION IF NOT EXISTS vector;

-- One row per embedding model the store has vectors of. A model is known by the sha256 of each ONNX
-- build of it seen so far (q8, fp32, another exporter's) and by its probe vectors (embed/identity.ts),
-- which is how a new build of the same model is recognised and another model refused.
CREATE TABLE ticket_lens.embedding_models (
  id          serial PRIMARY KEY,
  model_id    text NOT NULL,
  dim         int NOT NULL,
  hashes      text[] NOT NULL,
  fingerprint jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ticket_lens.datasets (
  id                 serial PRIMARY KEY,
  name               text NOT NULL UNIQUE,
  source_path        text NOT NULL,
  text_column        text NOT NULL,
  id_column          text,
  date_column        text,
  -- The model its vectors are in; another model's ingest is refused (ingest --embeddings-only moves it).
  embedding_model_id int REFERENCES ticket_lens.embedding_models(id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  last_ingest_at     timestamptz
);

CREATE TABLE ticket_lens.tickets (
  pk           bigserial PRIMARY KEY,
  dataset_id   int NOT NULL REFERENCES ticket_lens.datasets(id) ON DELETE CASCADE,
  ticket_id    text NOT NULL,
  text         text NOT NULL,
  created_at   timestamptz,
  source_row   int NOT NULL,
  source_line  int NOT NULL,
  -- sha256 of the text: an edited ticket is told from an unchanged one without comparing texts.
  content_hash text NOT NULL,
  ingested_at  timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (dataset_id, ticket_id)
);
CREATE INDEX tickets_dataset_created ON ticket_lens.tickets (dataset_id, created_at);

-- A ticket's vector under one model, of the text whose hash it carries.
CREATE TABLE ticket_lens.embeddings (
  ticket_pk    bigint NOT NULL REFERENCES ticket_lens.tickets(pk) ON DELETE CASCADE,
  model_id     int NOT NULL REFERENCES ticket_lens.embedding_models(id),
  content_hash text NOT NULL,
  embedding    vector(${STORE_DIM}) NOT NULL,
  embedded_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ticket_pk, model_id)
);
CREATE INDEX embeddings_hnsw ON ticket_lens.embeddings USING hnsw (embedding vector_cosine_ops);

-- One row per ingest: what it was asked, how far it got. A row left 'running' is an ingest that was
-- killed; the next ingest of the dataset marks it 'interrupted' (what it committed is kept).
CREATE TABLE ticket_lens.ingests (
  id          bigserial PRIMARY KEY,
  dataset_id  int NOT NULL REFERENCES ticket_lens.datasets(id) ON DELETE CASCADE,
  source_path text,
  options     jsonb NOT NULL,
  status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
  counts      jsonb,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

-- A cluster run made from the store; its folder (run.json, clusters.json...) is still written for the
-- extension and the reports.
CREATE TABLE ticket_lens.runs (
  id         text PRIMARY KEY,
  dataset_id int NOT NULL REFERENCES ticket_lens.datasets(id) ON DELETE CASCADE,
  model_id   int NOT NULL REFERENCES ticket_lens.embedding_models(id),
  folder     text,
  params     jsonb NOT NULL DEFAULT '{}',
  start_date timestamptz,
  end_date   timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A run's clusters by cluster path (shared/clusterPath.ts: root.0, root.0.1, root.0.noise).
CREATE TABLE ticket_lens.clusters (
  run_id      text NOT NULL REFERENCES ticket_lens.runs(id) ON DELETE CASCADE,
  path        text NOT NULL,
  parent_path text,
  size        int NOT NULL,
  is_noise    boolean NOT NULL DEFAULT false,
  keywords    text[],
  label       text,
  description text,
  centroid    vector(${STORE_DIM}),
  PRIMARY KEY (run_id, path)
);

-- Where each ticket went: by the run itself ('fit') or later, without re-clustering ('assign');
-- cluster_path null: far from every cluster (new / unassigned).
CREATE TABLE ticket_lens.assignments (
  run_id       text NOT NULL REFERENCES ticket_lens.runs(id) ON DELETE CASCADE,
  ticket_pk    bigint NOT NULL REFERENCES ticket_lens.tickets(pk) ON DELETE CASCADE,
  cluster_path text,
  probability  real,
  source       text NOT NULL CHECK (source IN ('fit', 'assign')),
  assigned_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, ticket_pk)
);
CREATE INDEX assignments_cluster ON ticket_lens.assignments (run_id, cluster_path);

-- Labels and edits of a run's clusters, in order: an LLM label, a rename, a review mark, a merge.
CREATE TABLE ticket_lens.label_edits (
  id           bigserial PRIMARY KEY,
  run_id       text NOT NULL REFERENCES ticket_lens.runs(id) ON DELETE CASCADE,
  cluster_path text NOT NULL,
  kind         text NOT NULL,
  value        jsonb NOT NULL,
  source       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX label_edits_run ON ticket_lens.label_edits (run_id, cluster_path);

-- Tags on tickets (an LLM's, a classifier's, a user's).
CREATE TABLE ticket_lens.tags (
  ticket_pk  bigint NOT NULL REFERENCES ticket_lens.tickets(pk) ON DELETE CASCADE,
  tag        text NOT NULL,
  source     text NOT NULL,
  confidence real,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ticket_pk, tag, source)
);
CREATE INDEX tags_tag ON ticket_lens.tags (tag);
`;
