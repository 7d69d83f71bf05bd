/** A problem with one input file: says which file, what is wrong and what to do. Never carries a stack trace to the user. */
export class VideoInputError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${file}: ${problem}. ${fix}`);
    this.name = 'VideoInputError';
  }
}

export const REENCODE_HINT = 'Check that the file is a complete video (mp4, mov, webm, mkv, avi), or re-encode it: ffmpeg -i <file> -c:v libx264 out.mp4';
