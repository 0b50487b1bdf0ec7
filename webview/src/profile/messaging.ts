/** The profile page's channel to the extension: the typed messages of src/shared/profile.ts. */
import { ProfileHostToWebview, type ProfileWebviewToHost } from '../../../src/shared/profile';
import { channel } from '../channel';

export const { post, listen } = channel<ProfileHostToWebview, ProfileWebviewToHost>(ProfileHostToWebview);
