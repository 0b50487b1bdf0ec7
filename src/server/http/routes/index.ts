/**
 * Every JSON route the server serves, by area. The app registers this list and the OpenAPI document
 * is generated from it. An area adds its routes array here.
 */
import type { RouteSpec } from '../route';
import { classifyRoutes } from './classify';
import { clusterRoutes } from './cluster';
import { embedRoutes } from './embed';
import { evaluateRoutes } from './evaluate';
import { healthRoutes } from './health';
import { jobRoutes } from './jobs';
import { labelRoutes } from './label';
import { profileRoutes } from './profile';
import { storeRoutes } from './store';
import { tagRoutes } from './tag';

export const allRoutes: RouteSpec[] = [...healthRoutes, ...embedRoutes, ...jobRoutes, ...clusterRoutes, ...labelRoutes, ...classifyRoutes, ...storeRoutes, ...profileRoutes, ...evaluateRoutes, ...tagRoutes];
