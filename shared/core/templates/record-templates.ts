import { defineTemplate, enrollWhenAll, type TemplateInput } from './template-input.ts';

/** Companies, deals, tickets and quotes: one or two each. */
export const RECORD_TEMPLATES: readonly TemplateInput[] = [
  defineTemplate({
    id: 'company-customer-onboarding',
    name: 'Onboard new customer companies',
    description:
      'When a company gets its first customer contact, the owner holds a kick-off call, then a first-week health check.',
    objectType: 'companies',
    tags: ['onboarding', 'customer success', 'tasks'],
    workflow: {
      enrollment: enrollWhenAll({ property: 'contacts.lifecyclestage', operator: 'eq', value: 'customer' }),
      startActionId: 'kickoff-task',
      actions: [
        {
          id: 'kickoff-task',
          type: 'createTask',
          title: 'Kick-off call with {{name}}',
          due: 'P2D',
          ownerFrom: 'ownerId',
          next: 'wait-week',
        },
        { id: 'wait-week', type: 'delay', duration: 'P5D', businessDays: true, next: 'health-check' },
        {
          id: 'health-check',
          type: 'createTask',
          title: 'First-week health check: {{name}}',
          due: 'P1D',
          ownerFrom: 'ownerId',
          next: null,
        },
      ],
    },
  }),
  defineTemplate({
    id: 'deal-closed-won-handoff',
    name: 'Hand closed-won deals to delivery',
    description: 'Opens an onboarding ticket for every deal won and tells the team.',
    objectType: 'deals',
    tags: ['sales', 'handoff', 'tickets'],
    workflow: {
      enrollment: enrollWhenAll({ property: 'dealstage', operator: 'eq', value: 'closedwon' }),
      startActionId: 'open-ticket',
      actions: [
        {
          id: 'open-ticket',
          type: 'createRecord',
          objectType: 'tickets',
          properties: { subject: 'Onboarding: {{dealname}}', status: 'new', priority: 'medium' },
          associate: true,
          next: 'tell-team',
        },
        {
          id: 'tell-team',
          type: 'sendNotification',
          message: 'Deal {{dealname}} won ({{amount}}).',
          next: null,
        },
      ],
    },
  }),
  defineTemplate({
    id: 'deal-renewal-reminder',
    name: 'Renewal reminder on the close date anniversary',
    description:
      'Date-centered on the deal close date, every year: the owner prepares the renewal a month before the anniversary.',
    objectType: 'deals',
    tags: ['date-centered', 'renewal', 'sales', 'tasks'],
    workflow: {
      enrollment: enrollWhenAll(
        { property: 'dealstage', operator: 'eq', value: 'closedwon' },
        { property: 'closedate', operator: 'hasProperty' },
      ),
      anchor: { type: 'dateProperty', property: 'closedate', recurAnnually: true },
      startActionId: 'month-before',
      actions: [
        {
          id: 'month-before',
          type: 'delayUntilAnchor',
          offset: '-P30D',
          time: '09:00',
          next: 'renewal-task',
        },
        {
          id: 'renewal-task',
          type: 'createTask',
          title: 'Prepare the renewal of {{dealname}}',
          body: 'Closed on {{closedate}} for {{amount}}.',
          due: 'P7D',
          ownerFrom: 'ownerId',
          next: null,
        },
      ],
    },
  }),
  defineTemplate({
    id: 'ticket-high-priority-escalation',
    name: 'Escalate high-priority tickets',
    description: 'A high-priority ticket still open after 4 hours is escalated to the owner and the team.',
    objectType: 'tickets',
    tags: ['support', 'escalation', 'sla'],
    workflow: {
      enrollment: enrollWhenAll(
        { property: 'priority', operator: 'eq', value: 'high' },
        { property: 'status', operator: 'in', values: ['new', 'waiting'] },
      ),
      startActionId: 'wait-close',
      actions: [
        {
          id: 'wait-close',
          name: 'Closed within 4 hours?',
          type: 'delayUntilEvent',
          criteria: [{ filters: [{ property: 'status', operator: 'eq', value: 'closed' }] }],
          timeout: 'PT4H',
          next: null,
          timeoutNext: 'escalate',
        },
        {
          id: 'escalate',
          type: 'sendNotification',
          message: 'Ticket "{{subject}}" is still open after 4 hours.',
          next: null,
        },
      ],
      settings: {
        unenrollmentCriteria: [{ filters: [{ property: 'status', operator: 'eq', value: 'closed' }] }],
      },
    },
  }),
  defineTemplate({
    id: 'quote-expiry-reminder',
    name: 'Remind before a sent quote expires',
    description: 'Three days before the expiration date, the owner follows up unless the quote was signed.',
    objectType: 'quotes',
    tags: ['sales', 'quotes', 'reminder'],
    workflow: {
      enrollment: enrollWhenAll(
        { property: 'status', operator: 'eq', value: 'sent' },
        { property: 'expirationdate', operator: 'hasProperty' },
      ),
      startActionId: 'three-days-before',
      actions: [
        {
          id: 'three-days-before',
          type: 'delayUntilDate',
          property: 'expirationdate',
          offset: '-P3D',
          time: '09:00',
          ifMissing: 'unenroll',
          next: 'still-open',
        },
        {
          id: 'still-open',
          type: 'branch',
          branches: [
            {
              name: 'Signed or rejected',
              criteria: [
                { filters: [{ property: 'status', operator: 'in', values: ['signed', 'rejected'] }] },
              ],
              next: null,
            },
          ],
          defaultNext: 'nudge-owner',
        },
        {
          id: 'nudge-owner',
          type: 'createTask',
          title: 'Quote "{{title}}" expires on {{expirationdate}}',
          due: 'P1D',
          ownerFrom: 'ownerId',
          next: null,
        },
      ],
    },
  }),
];
