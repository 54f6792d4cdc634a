import { randomInt } from 'node:crypto';

// Kontena names unnamed grids `<adjective>-<noun>` (kontena-behaviour.md §2); these are our own words.
const ADJECTIVES = ['amber', 'bold', 'brisk', 'calm', 'crisp', 'dawn', 'deep', 'eager', 'fair', 'frosty', 'gentle', 'golden', 'green', 'hidden', 'icy', 'keen', 'lively', 'lucky', 'misty', 'noble', 'polished', 'proud', 'quiet', 'rapid', 'silent', 'silver', 'solar', 'steady', 'swift', 'tidy', 'vivid', 'wild'];
const NOUNS = ['arrow', 'bay', 'brook', 'cloud', 'comet', 'delta', 'dune', 'field', 'fjord', 'forest', 'frost', 'glade', 'harbor', 'hill', 'lake', 'leaf', 'meadow', 'moon', 'oak', 'peak', 'pine', 'rain', 'reef', 'ridge', 'river', 'sky', 'snow', 'star', 'stone', 'sun', 'tide', 'wave'];

export function randomName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}`;
}
