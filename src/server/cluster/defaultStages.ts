/** Today's stages: UMAP to reduce, HDBSCAN to cluster, c-TF-IDF keywords to represent, KeyBERT-like phrases to name. */
import { keyBertNamer } from './autoName';
import { hdbscanClusterer } from './hdbscanClusterer';
import { ctfidfRepresenter } from './keywords';
import type { ClusterStages } from './stages';
import { umapReducer } from './umapReducer';

export const defaultStages: ClusterStages = { reducer: umapReducer, clusterer: hdbscanClusterer, representer: ctfidfRepresenter, namer: keyBertNamer };
