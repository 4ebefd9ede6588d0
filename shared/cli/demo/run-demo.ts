import { randomBytes } from 'node:crypto';
import { createDemoClient, type DemoClient, DemoError, MISSING_TOKEN } from './demo-client.ts';
import {
  actionOrder,
  formatTimeline,
  type TimelineAction,
  type TimelineLine,
  type TimelineWorkflow,
} from './demo-timeline.ts';

/** The demo workflow's time zone: not UTC, so that the timeline's two times differ. */
export const DEMO_TIME_ZONE = 'Europe/Paris';
/** How far the demo moves a manual clock: past the template's two-day delay and a weekend of closed windows. */
export const DEMO_ADVANCE = 'P7D';

export interface DemoOptions {
  /** The running instance (`WORKFLOWS_URL`). */
  readonly url: string;
  /** Its API token (`WORKFLOWS_API_TOKEN`). */
  readonly token: string | undefined;
  /** One line of the demo's output. */
  readonly out: (line: string) => void;
  /** What makes this run's emails, domain and names unique (default: `demo-` and 6 random characters). */
  readonly runTag?: string;
  /** How far to move a manual clock (an ISO duration; default P7D). */
  readonly advance?: string;
  /** `fetch` (tests may wrap it). */
  readonly fetch?: typeof fetch;
}

export interface DemoResult {
  readonly workflowId: string;
  /** The timeline as printed. */
  readonly timeline: readonly string[];
}

interface ApiRecord {
  readonly id: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

interface ApiFilterGroup {
  readonly filters: readonly unknown[];
}

interface ApiWorkflow {
  readonly id: string;
  readonly name: string;
  readonly revision: number;
  readonly startActionId?: string | null;
  readonly actions: readonly TimelineAction[];
  readonly enrollment: { readonly trigger: string; readonly criteria?: readonly ApiFilterGroup[] };
  readonly settings?: { readonly timeZone?: string };
}

interface Page<T> {
  readonly results: readonly T[];
  readonly nextCursor: string | null;
}

/** The contacts the demo creates: two leads enroll when the workflow is activated, the third when it becomes one. */
const DEMO_CONTACTS = [
  { firstname: 'Ada', lastname: 'Lovelace', lifecyclestage: 'lead', score: 80 },
  { firstname: 'Grace', lastname: 'Hopper', lifecyclestage: 'lead', score: 35 },
  { firstname: 'Alan', lastname: 'Turing', lifecyclestage: 'subscriber', score: 60 },
] as const;

/** The workflow the demo creates when no contacts template has both a delay and an email. */
const fallbackWorkflow = (tag: string) => ({
  name: `Welcome and follow up (${tag})`,
  objectType: 'contacts',
  enrollment: {
    trigger: 'criteria',
    criteria: [{ filters: [{ property: 'lifecyclestage', operator: 'eq', value: 'lead' }] }],
  },
  startActionId: 'welcome',
  actions: [
    {
      id: 'welcome',
      type: 'sendEmail',
      subject: 'Welcome, {{firstname}}!',
      body: 'Hello {{firstname}},\n\nThank you for your interest.',
      next: 'wait-2d',
    },
    { id: 'wait-2d', type: 'delay', duration: 'P2D', next: 'follow-up' },
    {
      id: 'follow-up',
      type: 'sendEmail',
      subject: 'How is it going, {{firstname}}?',
      body: 'Hello {{firstname}},\n\nAnything we can help with?',
      next: null,
    },
  ],
});

const hasActions = (workflow: { readonly actions: readonly TimelineAction[] }, ...types: string[]) =>
  types.every((type) => workflow.actions.some((action) => action.type === type));

/** The first contacts template enrolling on criteria whose actions include a delay and an email. */
const pickTemplate = async (client: DemoClient) => {
  const { results } = await client.call<{ results: readonly { id: string; name: string }[] }>(
    'GET',
    '/templates?objectType=contacts',
  );
  for (const summary of results) {
    const template = await client.call<{ id: string; name: string; workflow: ApiWorkflow }>(
      'GET',
      `/templates/${encodeURIComponent(summary.id)}`,
    );
    if (
      template.workflow.enrollment.trigger === 'criteria' &&
      hasActions(template.workflow, 'delay', 'sendEmail')
    )
      return template;
  }
  return undefined;
};

/**
 * Creates the demo workflow: from a template with a delay and an email (its criteria narrowed to this run's
 * contacts, so that runs never enroll each other's records, and its time zone set), or a small one of its own.
 */
const createWorkflow = async (client: DemoClient, tag: string, out: DemoOptions['out']) => {
  const narrowing = { property: 'email', operator: 'contains', value: tag };
  const template = await pickTemplate(client);
  if (!template) {
    const own = fallbackWorkflow(tag);
    const created = await client.call<ApiWorkflow>('POST', '/workflows', {
      ...own,
      enrollment: {
        ...own.enrollment,
        criteria: own.enrollment.criteria.map((group) => ({ filters: [...group.filters, narrowing] })),
      },
      settings: { timeZone: DEMO_TIME_ZONE },
    });
    out(`No contacts template has a delay and an email: created workflow ${created.id} "${created.name}"`);
    return created;
  }
  const created = await client.call<ApiWorkflow>('POST', '/workflows', {
    templateId: template.id,
    name: `${template.name} (${tag})`,
  });
  const edited = await client.call<ApiWorkflow>('PUT', `/workflows/${created.id}`, {
    ...created,
    enrollment: {
      ...created.enrollment,
      criteria: (created.enrollment.criteria ?? []).map((group) => ({
        ...group,
        filters: [...group.filters, narrowing],
      })),
    },
    settings: { ...created.settings, timeZone: DEMO_TIME_ZONE },
  });
  out(`Created workflow ${edited.id} "${edited.name}" from template ${template.id}`);
  out(`  criteria narrowed to this run's contacts (email contains "${tag}"), time zone ${DEMO_TIME_ZONE}`);
  return edited;
};

/** Every page of the workflow's history (newest first, as the API answers). */
const readHistory = async (client: DemoClient, workflowId: string): Promise<TimelineLine[]> => {
  const lines: TimelineLine[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    const page: Page<TimelineLine> = await client.call('GET', `/workflows/${workflowId}/history?${query}`);
    lines.push(...page.results);
    cursor = page.nextCursor;
  } while (cursor);
  return lines;
};

/**
 * The demo against a running instance: checks `/health` and the token, creates a company and three contacts
 * (unique per run), a workflow from a built-in template, activates it with `enrollExisting`, makes the third
 * contact a lead, moves the manual clock (or only settles under the system clock), then prints the workflow's
 * history as a timeline grouped by record. Throws a DemoError saying what to do when it cannot go on.
 * @example await runDemo({ url: 'http://127.0.0.1:3000', token: process.env.WORKFLOWS_API_TOKEN, out: console.log })
 */
export const runDemo = async (options: DemoOptions): Promise<DemoResult> => {
  const { out } = options;
  if (!options.token) throw new DemoError(MISSING_TOKEN);
  const client = createDemoClient({
    url: options.url,
    token: options.token,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const tag = options.runTag ?? `demo-${randomBytes(4).toString('hex').slice(0, 6)}`;
  const advance = options.advance ?? DEMO_ADVANCE;

  await client.health();
  const clockAnswer = await client.probe('GET', '/_local/clock');
  if (clockAnswer.status === 404) {
    throw new DemoError(
      `${client.url} has no /_local/clock: the demo drives the embedded runtime of \`npm start\`, not a deployment`,
    );
  }
  if (clockAnswer.status !== 200) {
    throw new DemoError(`GET /_local/clock answered ${clockAnswer.status}: is crm-workflows running there?`);
  }
  const clock = clockAnswer.json as { now: string; kind: 'manual' | 'system' };
  out(`crm-workflows at ${client.url} is up; clock: ${clock.kind}, now ${clock.now}`);
  if (clock.kind !== 'manual') {
    out(
      'The instance runs the system clock: the demo cannot move time, so it only settles and shows what is due now.',
    );
    out(
      '  Delays then wait for real time; start it with `WORKFLOWS_CLOCK=manual npm start` to see them play out.',
    );
  }

  out('');
  out(`Run ${tag}: sample records`);
  const company = await client.call<ApiRecord>('POST', '/objects/companies', {
    properties: { name: `Analytical Engines (${tag})`, domain: `${tag}.engines.example.com` },
  });
  out(`  company  ${company.properties.name}  companies/${company.id}`);
  const labels = new Map<string, string>();
  const contacts: ApiRecord[] = [];
  for (const person of DEMO_CONTACTS) {
    const email = `${person.firstname.toLowerCase()}.${tag}@example.com`;
    const contact = await client.call<ApiRecord>('POST', '/objects/contacts', {
      properties: { ...person, email },
    });
    await client.call('PUT', `/objects/contacts/${contact.id}/associations/companies/${company.id}`);
    const label = `${person.firstname} ${person.lastname} <${email}>`;
    labels.set(contact.id, label);
    contacts.push(contact);
    out(
      `  contact  ${label}, ${person.lifecyclestage}, score ${person.score}, associated with the company  contacts/${contact.id}`,
    );
  }

  out('');
  const workflow = await createWorkflow(client, tag, out);
  out(`  actions: ${actionOrder(workflow).join(' → ')}`);
  const activation = await client.call<{ enrollExisting: { matched: number; enrolled: number } }>(
    'POST',
    `/workflows/${workflow.id}/activate`,
    { enrollExisting: true },
  );
  out(
    `Activated with enrollExisting: ${activation.enrollExisting.matched} matched, ${activation.enrollExisting.enrolled} enrolled`,
  );
  const [latecomer] = contacts.slice(-1);
  if (latecomer) {
    await client.call('PATCH', `/objects/contacts/${latecomer.id}`, {
      properties: { lifecyclestage: 'lead' },
    });
    out(`${labels.get(latecomer.id)} became a lead: enrolls through the criteria`);
  }

  if (clock.kind === 'manual') {
    const moved = await client.call<{ now: string }>('POST', '/_local/clock', { advance });
    out(`Moved the clock by ${advance}, through every due timer: now ${moved.now}`);
  } else {
    const settled = await client.call<{ now: string }>('POST', '/_local/settle');
    out(`Settled at ${settled.now}`);
  }

  const lines = await readHistory(client, workflow.id);
  const timelineWorkflow: TimelineWorkflow = {
    id: workflow.id,
    name: workflow.name,
    timeZone: workflow.settings?.timeZone ?? 'UTC',
    startActionId: workflow.startActionId ?? null,
    actions: workflow.actions,
  };
  const timeline = formatTimeline({ workflow: timelineWorkflow, lines, labels });
  out('');
  for (const line of timeline) out(line);

  const outbox = await client.call<Page<{ kind: string; workflowId?: string }>>(
    'GET',
    '/_local/outbox?limit=100',
  );
  const sent = outbox.results.filter((entry) => entry.workflowId === workflow.id);
  const emails = sent.filter((entry) => entry.kind === 'email').length;
  out('');
  out(
    `Outbox: ${emails} email(s) and ${sent.length - emails} notification(s) of this workflow (GET /_local/outbox)`,
  );
  return { workflowId: workflow.id, timeline };
};
