/** The summary page's channel to the extension: the typed messages of src/shared/webviewProtocol.ts. */
import { HostToWebview, type WebviewToHost } from '../../src/shared/webviewProtocol';
import { channel } from './channel';

export const { post, listen } = channel<HostToWebview, WebviewToHost>(HostToWebview);
