/** Band cut-offs: a score at or above `high` is high, below `low` is low, between is medium. */
export interface Bands {
  /** Score at or above: high. */
  high: number;
  /** Score below: low. Between: medium. */
  low: number;
}
