import { WorkflowExit } from '../contract/task-errors.ts';
import { historyOf, matches, type RecordView, type Run } from './task-run.ts';

/** Before each action: a record that met the goal, the unenrollment criteria or a suppression list leaves. */
export const ensureStillEnrolled = async (run: Run, view: RecordView): Promise<void> => {
  const { workflow } = run;
  const { enrollment } = run.state;
  const history = historyOf(run);
  const actionId = run.request.actionId ?? undefined;
  if (workflow.goal && matches(run, workflow.goal.criteria, view)) {
    await history('goal.met', { ...(actionId ? { actionId } : {}) });
    await run.ports.endEnrollment(enrollment, 'goal_met', {});
    throw new WorkflowExit('goal_met');
  }
  const suppressed = workflow.settings.suppressionLists.some((listId) => view.lists.includes(listId));
  const reason = suppressed
    ? 'suppressed'
    : matches(run, workflow.settings.unenrollmentCriteria, view)
      ? 'unenrollment_criteria'
      : undefined;
  if (reason) {
    await history('unenrolled', { reason, ...(actionId ? { actionId } : {}) });
    await run.ports.endEnrollment(enrollment, 'unenrolled', { reason });
    throw new WorkflowExit(reason);
  }
};
