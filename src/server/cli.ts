/**
 * `ticket-lens`: the one entry of the server runtime. `serve` runs the model server the extension
 * spawns (or a team runs on a GPU machine); the other commands run the same engines headless.
 * Each command lives in src/server/cli/<command>.ts.
 */
import { Command } from 'commander';
import { registerServe } from './cli/serve';
import { registerEmbed } from './cli/embed';
import { registerCluster } from './cli/cluster';
import { registerLabel } from './cli/label';
import { registerClassifyCommands } from './cli/classify';
import { registerIngest } from './cli/ingest';
import { registerAssign } from './cli/assign';
import { registerTrends } from './cli/trends';
import { registerProfile } from './cli/profile';
import { registerFinetune } from './cli/finetune';
import { registerTag } from './cli/tag';
import { VERSION } from './version';

const program = new Command('ticket-lens')
  .description('Make sense of customer-support text: embed, cluster, label and classify tickets in CSV files.')
  .version(VERSION)
  .showHelpAfterError();

registerServe(program);
registerEmbed(program);
registerCluster(program);
registerLabel(program);
registerClassifyCommands(program);
registerIngest(program);
registerAssign(program);
registerTrends(program);
registerProfile(program);
registerFinetune(program);
registerTag(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`ticket-lens: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
