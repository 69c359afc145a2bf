export * from './supervisor/index.js';
export * from './remux/index.js';
export * from './service/index.js';
