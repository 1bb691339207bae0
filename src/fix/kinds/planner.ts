/** The interface every object kind's planner implements. */
import type { SchemaObject } from '../../schema/model.js';
import type { Mode, PlanContext, Step } from '../context.js';

export interface KindPlanner {
  /**
   * For an object in both snapshots whose text differs: altered in place (`alter`), dropped and
   * created again (`recreate`), or (enums only) recreated under its name (`rename`).
   */
  changeMode(ctx: PlanContext, before: SchemaObject, after: SchemaObject, key: string): Mode;
  /** The statements for `key`, given the mode decided for it (`ctx.mode(key)`). */
  emit(ctx: PlanContext, key: string): Step[];
}
