import { Initial1766000000000 } from './1766000000000-initial';

/** Every migration, in order. Later migrations are appended here. */
export const MIGRATIONS = [Initial1766000000000];
