import { defineTemplate, enrollWhenAll, type TemplateInput } from './template-input.ts';

/** Contacts: welcoming new leads, and a date-centered birthday greeting. */
export const CONTACT_TEMPLATES: readonly TemplateInput[] = [
  defineTemplate({
    id: 'contact-lead-welcome',
    name: 'Welcome and qualify new leads',
    description:
      'Greets every new lead with an email, waits two days, then asks the owner to call the engaged ones.',
    objectType: 'contacts',
    tags: ['lead nurturing', 'email', 'sales'],
    workflow: {
      description: 'Welcome email, two days, then a call task for leads scoring 50 or more.',
      enrollment: enrollWhenAll(
        { property: 'lifecyclestage', operator: 'eq', value: 'lead' },
        { property: 'email', operator: 'hasProperty' },
      ),
      startActionId: 'mark-open',
      actions: [
        { id: 'mark-open', type: 'setProperty', property: 'leadstatus', value: 'open', next: 'welcome' },
        {
          id: 'welcome',
          type: 'sendEmail',
          subject: 'Welcome, {{firstname}}!',
          body: 'Hello {{firstname}},\n\nThank you for your interest. Here is how to get started.',
          next: 'wait-2d',
        },
        { id: 'wait-2d', type: 'delay', duration: 'P2D', next: 'engaged' },
        {
          id: 'engaged',
          name: 'Score 50+',
          type: 'branch',
          branches: [
            {
              name: 'Engaged',
              criteria: [{ filters: [{ property: 'score', operator: 'gte', value: 50 }] }],
              next: 'call-task',
            },
          ],
          defaultNext: null,
        },
        {
          id: 'call-task',
          type: 'createTask',
          title: 'Call {{firstname}} {{lastname}}',
          body: 'Engaged lead (score {{score}}).',
          due: 'P1D',
          ownerFrom: 'ownerId',
          next: null,
        },
      ],
      goal: {
        criteria: [
          {
            filters: [
              { property: 'lifecyclestage', operator: 'in', values: ['salesqualifiedlead', 'customer'] },
            ],
          },
        ],
      },
      settings: {
        executionWindows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }],
      },
    },
  }),
  defineTemplate({
    id: 'contact-birthday-greeting',
    name: 'Birthday greetings',
    description:
      'Date-centered on the contact birth date, every year: a heads-up to the owner a week before, then a greeting on the day.',
    objectType: 'contacts',
    tags: ['date-centered', 'birthday', 'customer delight', 'email'],
    workflow: {
      description: 'Recurs every year on the birth date.',
      enrollment: enrollWhenAll(
        { property: 'lifecyclestage', operator: 'eq', value: 'customer' },
        { property: 'birthdate', operator: 'hasProperty' },
      ),
      anchor: { type: 'dateProperty', property: 'birthdate', recurAnnually: true },
      startActionId: 'week-before',
      actions: [
        { id: 'week-before', type: 'delayUntilAnchor', offset: '-P7D', time: '09:00', next: 'heads-up' },
        {
          id: 'heads-up',
          type: 'createTask',
          title: "{{firstname}} {{lastname}}'s birthday is next week",
          ownerFrom: 'ownerId',
          next: 'on-the-day',
        },
        { id: 'on-the-day', type: 'delayUntilAnchor', offset: 'P0D', time: '08:00', next: 'greeting' },
        {
          id: 'greeting',
          type: 'sendEmail',
          subject: 'Happy birthday, {{firstname}}!',
          body: 'All of us wish you a wonderful day.',
          onError: 'continue',
          next: null,
        },
      ],
    },
  }),
];
