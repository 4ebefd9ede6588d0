import * as z from 'zod';

/**
 * Parses the function's environment once, at module load: a wrong or missing variable stops the cold
 * start with a message that names it, rather than failing later inside a request.
 */
export const readEnvironment = <T extends z.ZodRawShape>(
  shape: T,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<T>> => {
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`the function's environment is not valid: ${problems.join('; ')}`);
  }
  return parsed.data;
};
