import { demoScenario } from './demo';
import { k3sScenario } from './k3s';
import type { Scenario } from './types';

export const scenarios: Record<string, Scenario> = { demo: demoScenario, k3s: k3sScenario };

export type { Scenario } from './types';
