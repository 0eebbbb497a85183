import { describe, it } from 'vitest';

describe('console guard', () => {
  it.fails('fails a test that writes to the console', () => {
    console.log('stray output');
  });
});
