/** Where ffmpeg writes until it has finished: a hidden sibling of the output, renamed onto it on success (same folder, so the rename is atomic). */
import { basename, dirname, join } from 'node:path';

export const partialPath = (output: string): string => join(dirname(output), `.${basename(output)}.partial`);
