import type { Route } from './http/route.ts';
import { enrollmentRoutes } from './routes/enrollments.routes.ts';
import { insightRoutes } from './routes/insights.routes.ts';
import { listRoutes } from './routes/lists.routes.ts';
import { propertyRoutes } from './routes/properties.routes.ts';
import { recordRoutes } from './routes/records.routes.ts';
import { systemRoutes } from './routes/system.routes.ts';
import { templateRoutes } from './routes/templates.routes.ts';
import { workflowRoutes } from './routes/workflows.routes.ts';

/** The API's version, as `/openapi.json` states it. */
export const API_VERSION = '0.1.0';

/** Every route of the HTTP API (api.md), in one table. */
export const apiRoutes = (): readonly Route[] => {
  const routes: Route[] = [];
  routes.push(
    ...systemRoutes(() => routes, API_VERSION),
    ...propertyRoutes,
    ...recordRoutes,
    ...listRoutes,
    ...workflowRoutes,
    ...enrollmentRoutes,
    ...insightRoutes,
    ...templateRoutes,
  );
  return routes;
};
