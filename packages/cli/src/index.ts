export { main } from './main.js';
export type { CommandIo } from './main.js';
