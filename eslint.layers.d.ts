// Types of eslint.layers.js, for the test that checks the layering rules (test/layers.test.ts).
import type { Linter } from 'eslint';

export declare const LAYERS: Record<string, string[]>;
export declare const layerRules: Linter.Config[];
