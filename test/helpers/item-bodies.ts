import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultDeserializer, serialize } from 'node:v8';

/** What `DefaultDeserializer` reads a typed array with (not in its declared type). */
const readHostObject = (
  DefaultDeserializer.prototype as unknown as { _readHostObject(this: DefaultDeserializer): Uint8Array }
)._readHostObject;

/**
 * V8's deserializer, its binaries copied out of the bytes read (its own answer is a view on them, which the next
 * read overwrites) as plain `Uint8Array`s (a `Buffer` written comes back as the document client reads a binary).
 */
class BodyDeserializer extends DefaultDeserializer {
  _readHostObject(): Uint8Array {
    return new Uint8Array(readHostObject.call(this));
  }
}

/** The directories of stores whose file could not be removed while open (not POSIX): removed when the process exits. */
const open = new Set<string>();

const removeOpen = (): void => {
  for (const directory of open) rmSync(directory, { recursive: true, force: true });
  open.clear();
};

/** Bytes written at once: recent bodies are read back from memory until then. */
const PENDING_BYTES = 4 << 20;
/** Bodies read from the file kept for the next reads. */
const RECENT = 64;
/**
 * Bodies start on multiples of 8 bytes, so that a position counted in 8-byte units stays a small integer (a V8 Smi)
 * up to 16 GB of file; beyond, it is a double, exact all the same.
 */
const ALIGNMENT = 8;

/**
 * Values kept outside the JavaScript heap: each serialized with `node:v8` (which keeps sets and binaries) and
 * appended to a file of a temporary directory, read back on demand as a fresh copy. Nothing is ever rewritten in
 * place: a body no longer wanted stays in the file. The most recent writes wait in a buffer of 4 MB, written at once
 * (and read from there meanwhile), the last 64 bodies read from the file are kept; the operating system's page cache
 * keeps the rest of the hot part in memory.
 * The file is removed as soon as it is open (POSIX keeps an open file until its last descriptor is closed): it has
 * no name, and the operating system frees it when `close()` closes it or the process ends, however it ends (a
 * signal, a crash, SIGKILL), with no handler that would wait for the event loop (a run that never yields to it
 * could not be interrupted). Where an open file cannot be removed, its directory is removed at `close()` or when the
 * process exits.
 */
export class ItemBodies {
  readonly #directory: string;
  #fd: number;
  /** The bytes not written yet, from the file position `#pendingAt`. */
  #pending = Buffer.allocUnsafe(PENDING_BYTES);
  #pendingAt = 0;
  #pendingLength = 0;
  /** The bodies last read from the file, by place, the least recent first. */
  readonly #recent = new Map<number, Buffer>();

  constructor() {
    this.#directory = mkdtempSync(join(tmpdir(), 'crm-table-'));
    this.#fd = openSync(join(this.#directory, 'bodies'), 'w+');
    try {
      rmSync(this.#directory, { recursive: true });
    } catch {
      if (open.size === 0) process.on('exit', removeOpen);
      open.add(this.#directory);
    }
  }

  /** The temporary directory the file was created in (gone once the file is open, where the system allows it). */
  get directory(): string {
    return this.#directory;
  }

  /** Bytes stored so far (the file's length once the pending writes are written). */
  get storedBytes(): number {
    return this.#pendingAt + this.#pendingLength;
  }

  #file(): number {
    if (this.#fd < 0) throw new Error('the table is closed');
    return this.#fd;
  }

  /** The bytes of `value`, not stored yet (see `append`). */
  static serialized(value: unknown): Buffer {
    return serialize(value);
  }

  /** A fresh copy of the value whose bytes are `bytes`. */
  static deserialized(bytes: Uint8Array): unknown {
    const deserializer = new BodyDeserializer(bytes);
    deserializer.readHeader();
    return deserializer.readValue();
  }

  /** Stores `bytes` (from `serialized`); where they are, in 8-byte units, to read them with `bytes`. */
  append(bytes: Uint8Array): number {
    const fd = this.#file();
    const at = this.#pendingAt + this.#pendingLength;
    const length = bytes.length;
    const size = Math.ceil(length / ALIGNMENT) * ALIGNMENT;
    if (this.#pendingLength + size > PENDING_BYTES) {
      this.#flush(fd);
      if (size > PENDING_BYTES) {
        writeSync(fd, bytes, 0, length, at);
        this.#pendingAt = at + size;
        return at / ALIGNMENT;
      }
      return this.append(bytes);
    }
    this.#pending.set(bytes, this.#pendingLength);
    this.#pendingLength += size;
    return at / ALIGNMENT;
  }

  #flush(fd: number): void {
    if (this.#pendingLength === 0) return;
    writeSync(fd, this.#pending, 0, this.#pendingLength, this.#pendingAt);
    this.#pendingAt += this.#pendingLength;
    this.#pendingLength = 0;
  }

  /**
   * The `length` bytes stored at `at` (from `append`): valid until the next `append`. Read from the file unless
   * they are among the last written or the last 64 read (an item is often read a few times in a row: a query, a get,
   * an update).
   */
  bytes(at: number, length: number): Uint8Array {
    const fd = this.#file();
    const position = at * ALIGNMENT;
    if (position >= this.#pendingAt)
      return this.#pending.subarray(position - this.#pendingAt, position - this.#pendingAt + length);
    const recent = this.#recent.get(at);
    if (recent !== undefined) {
      this.#recent.delete(at);
      this.#recent.set(at, recent);
      return recent;
    }
    const bytes = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const read = readSync(fd, bytes, done, length - done, position + done);
      if (read === 0) throw new Error(`the table's bodies end before ${position + length}`);
      done += read;
    }
    this.#recent.set(at, bytes);
    if (this.#recent.size > RECENT) this.#recent.delete(this.#recent.keys().next().value!);
    return bytes;
  }

  /** Closes the file (which frees it) and removes its directory if it is left; nothing can be read or stored afterwards. */
  close(): void {
    if (this.#fd < 0) return;
    closeSync(this.#fd);
    this.#fd = -1;
    if (!open.delete(this.#directory)) return;
    rmSync(this.#directory, { recursive: true, force: true });
    if (open.size === 0) process.off('exit', removeOpen);
  }
}
