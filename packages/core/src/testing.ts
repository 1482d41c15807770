// Not implemented yet: this package is a typed stub until its issue lands.
export const packageName = '@modelship/core';
export const packageVersion = '0.0.0';
