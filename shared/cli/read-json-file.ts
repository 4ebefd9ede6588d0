import type { CliIo } from './command.ts';

export type JsonFileResult =
  | { readonly ok: true; readonly json: unknown }
  | { readonly ok: false; readonly message: string };

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/**
 * Reads and parses a JSON file, turning every failure into a sentence that names the file.
 * @example await readJsonFile('wf.json', io) // { ok: false, message: 'cannot read "wf.json": no such file' }
 */
export const readJsonFile = async (path: string, io: CliIo): Promise<JsonFileResult> => {
  let text: string;
  try {
    text = await io.readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason =
      (typeof code === 'string' && REASONS[code]) || (error instanceof Error ? error.message : String(error));
    return { ok: false, message: `cannot read "${path}": ${reason}` };
  }
  try {
    // Editors on Windows may start a UTF-8 file with a byte-order mark, which JSON.parse refuses.
    return { ok: true, json: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `"${path}" is not valid JSON: ${reason}` };
  }
};
