/** Labels cached on disk by the hash of everything sent, so relabelling unchanged clusters costs nothing. */
import { ClusterLabel } from '../../shared/api';
import { JsonCache } from '../data/jsonCache';

export class LabelCache extends JsonCache<ClusterLabel> {
  constructor(dir: string) {
    super(dir, ClusterLabel);
  }
}
