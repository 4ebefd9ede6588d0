import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/*
 * One JSON file per item in a directory, each written aside, fsync'd, then renamed into place (and the
 * directory fsync'd): a crash leaves the old file or the new one, never half of one.
 */

const TMP_SUFFIX = '.tmp';

let sequence = 0;

/**
 * A file name that sorts in creation order within a directory, across restarts: milliseconds of the
 * machine's time (not the runtime clock, which a manual clock may hold still), a counter, random bits.
 */
export const orderedFileName = (): string =>
  `${Date.now().toString().padStart(15, '0')}-${(sequence++ % 1e9).toString().padStart(9, '0')}-${randomBytes(4).toString('hex')}.json`;

const fsyncDirectory = async (directory: string): Promise<void> => {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

export class DurableDirectory {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  /** Creates the directory and removes what a crash left half-written. */
  async open(): Promise<void> {
    await mkdir(this.path, { recursive: true });
    for (const name of await readdir(this.path)) {
      if (name.endsWith(TMP_SUFFIX)) await rm(join(this.path, name), { force: true });
    }
  }

  /** Writes every file (aside, fsync, rename), then fsyncs the directory once: all are on disk when it resolves. */
  async write(files: readonly { readonly name: string; readonly value: unknown }[]): Promise<void> {
    await Promise.all(
      files.map(async ({ name, value }) => {
        const tmp = join(this.path, `${name}${TMP_SUFFIX}`);
        const handle = await open(tmp, 'w');
        try {
          await handle.writeFile(JSON.stringify(value));
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(tmp, join(this.path, name));
      }),
    );
    await fsyncDirectory(this.path);
  }

  /** Removes the file; one already gone is no error (an unlink: `rm` walks the path first). */
  async remove(name: string): Promise<void> {
    try {
      await unlink(join(this.path, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** The names of the files, oldest first. */
  async names(): Promise<string[]> {
    return (await readdir(this.path)).filter((name) => name.endsWith('.json')).sort();
  }

  async read<T>(name: string): Promise<T> {
    return JSON.parse(await readFile(join(this.path, name), 'utf8')) as T;
  }
}
