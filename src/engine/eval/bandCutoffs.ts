export type { Bands } from '../../shared/bands';
