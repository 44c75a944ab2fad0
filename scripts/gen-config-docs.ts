// Writes docs/configuration.md from the configuration catalog.
import { writeFileSync } from 'node:fs';
import { renderConfigurationReference } from '../src/conf/configDocs.js';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), renderConfigurationReference());
console.log('wrote docs/configuration.md');
