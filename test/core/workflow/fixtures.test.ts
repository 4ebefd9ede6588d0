import { describe, expect, it } from 'vitest';
import { ENROLLABLE_OBJECT_TYPES } from '../../../shared/core/records/object-types.ts';
import { ActionSchema } from '../../../shared/core/workflow/action.schema.ts';
import { validateWorkflow } from '../../../shared/core/workflow/validate-workflow.ts';
import { loadWorkflowFixture, WORKFLOW_FIXTURE_NAMES } from '../../fixtures/workflows/workflow-fixtures.ts';

const validated = WORKFLOW_FIXTURE_NAMES.map(
  (name) => [name, validateWorkflow(loadWorkflowFixture(name))] as const,
);

describe('workflow fixtures', () => {
  it.each(validated)('%s is valid', (_name, result) => {
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('cover every enrollable object type', () => {
    const types = new Set(
      validated.map(([, result]) => (result.ok ? result.workflow.objectType : undefined)),
    );
    expect([...types].sort()).toEqual([...ENROLLABLE_OBJECT_TYPES].sort());
  });

  it('hold a date-centered workflow of each anchor type', () => {
    const anchors = validated.map(([, result]) => (result.ok ? result.workflow.anchor?.type : undefined));
    expect(anchors).toContain('fixedDate');
    expect(anchors).toContain('dateProperty');
  });

  it('use every action type in contacts-every-action-type', () => {
    const result = validateWorkflow(loadWorkflowFixture('contacts-every-action-type'));
    const used = new Set(result.ok ? result.workflow.actions.map((action) => action.type) : []);
    const all = ActionSchema.options.flatMap((option) => {
      const type = option.shape.type;
      return 'options' in type ? type.options : [...type.values];
    });
    expect([...used].sort()).toEqual([...new Set(all)].sort());
  });
});
