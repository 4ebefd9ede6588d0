import { en } from 'zod/locales';
import * as z from 'zod/mini';

// zod/mini leaves its messages to the caller: the same English ones as zod's.
z.config(en());

/**
 * Parses the function's environment once, at module load: a wrong or missing variable stops the cold
 * start with a message that names it, rather than failing later inside a request. The shapes are `zod/mini`
 * schemas (the change publisher and the resumer carry no other zod), though any zod schema parses.
 */
export const readEnvironment = <T extends z.core.$ZodLooseShape>(
  shape: T,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodMiniObject<T>> => {
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`the function's environment is not valid: ${problems.join('; ')}`);
  }
  return parsed.data;
};
