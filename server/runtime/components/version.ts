// flowlens' version, for User-Agent headers (`flowlens/0.1.0`).

import { version } from '../../../package.json';

export const FLOWLENS_VERSION: string = version;
export const USER_AGENT = `flowlens/${FLOWLENS_VERSION}`;
