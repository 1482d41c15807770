export * from './contract/index.js';

export const packageName = '@modelship/core';
