import type { StateMachineDefinition } from '../compiler/asl.types.ts';
import type { DryRunResult } from '../dry-run/dry-run-result.ts';
import type { EnrollmentExplanation, EnrollmentReason } from '../enrollment/enrollment-check.ts';
import type { EnrollmentService, EnrollmentView } from '../enrollment/enrollment-service.ts';
import type { HistoryLine } from '../enrollment/history-repository.ts';
import type { ObjectType } from '../records/object-types.ts';
import type { PropertyDefinition } from '../records/property.schema.ts';
import type { CrmRecord, Properties } from '../records/record.schema.ts';
import type { ChangeCause } from '../records/record-change.ts';
import type { TemplateCatalog } from '../templates/template-catalog.ts';
import type { RevisionSummary, StoredWorkflow } from '../workflow/stored-workflow.ts';
import type { WorkflowStatus } from '../workflow/workflow.schema.ts';
import type { ActivationService } from './activation-service.ts';

export type { ChangeCause, RevisionSummary, StoredWorkflow, TemplateCatalog, WorkflowStatus };

import type { Page, PageRequest } from '../ports/page.ts';

/*
 * What the HTTP API (and inbound events) ask of the system, one service per resource of api.md.
 * Every method validates what it is given, throws the core's AppError classes for the caller's
 * mistakes (ValidationError 400 with paths, NotFoundError 404, ConflictError 409) and writes
 * nothing when it throws. Handlers only parse the request, call one method and map the result.
 */

/** Options of a record write. */
export interface WriteOptions {
  readonly cause?: ChangeCause;
}

/** Options of a record update. */
export interface UpdateOptions extends WriteOptions {
  /**
   * Writes only onto this version of the record (optimistic concurrency, for a change computed from the record as
   * read at that version): RecordVersionConflict, nothing written, when the record is at another.
   */
  readonly expectedVersion?: number;
  /**
   * With `expectedVersion`: the key of the workflow action's effect making the change, kept with it. A record found
   * past `expectedVersion` with a later change of this key holds this write already: it is answered as it is,
   * nothing written again (a retried effect recognises its own write).
   */
  readonly effectKey?: string;
}

/** Options of a record creation. */
export interface CreateOptions extends WriteOptions {
  /**
   * The new record's id, chosen by the caller so that a repeated create makes one record: when a record with this
   * id was created already (it exists, or its creation is in the change log), nothing is written and that record
   * is answered (as its creation left it, when it was deleted since).
   */
  readonly id?: string;
}

/** Property definitions per object type: the built-ins and the custom ones (`POST /properties/{objectType}`). */
export interface PropertyService {
  /** Built-in then custom definitions of the type. */
  list(objectType: ObjectType): Promise<PropertyDefinition[]>;
  /** Adds a custom definition (`body` unvalidated); ConflictError when the name exists (built-in or custom). */
  create(objectType: ObjectType, body: unknown): Promise<PropertyDefinition>;
}

/** CRM records, their associations; every committed change kept with its before and after images. */
export interface RecordService {
  /** ConflictError when a contact's `email` or a company's `domain` is taken (case-insensitively). */
  create(objectType: ObjectType, properties: Properties, options?: CreateOptions): Promise<CrmRecord>;
  /** By the unique `idProperty` (`email`, `domain`): updates the record holding that value, else creates it. */
  upsert(
    objectType: ObjectType,
    idProperty: string,
    properties: Properties,
    options?: WriteOptions,
  ): Promise<{ record: CrmRecord; created: boolean }>;
  get(objectType: ObjectType, id: string): Promise<CrmRecord>;
  page(objectType: ObjectType, page: PageRequest): Promise<Page<CrmRecord>>;
  /** `null` clears a property. */
  update(
    objectType: ObjectType,
    id: string,
    properties: Properties,
    options?: UpdateOptions,
  ): Promise<CrmRecord>;
  delete(objectType: ObjectType, id: string, options?: WriteOptions): Promise<void>;
  /** Idempotent: an existing association is not a change. */
  associate(
    objectType: ObjectType,
    id: string,
    toObjectType: ObjectType,
    toId: string,
    options?: WriteOptions,
  ): Promise<void>;
  dissociate(
    objectType: ObjectType,
    id: string,
    toObjectType: ObjectType,
    toId: string,
    options?: WriteOptions,
  ): Promise<void>;
  associations(
    objectType: ObjectType,
    id: string,
    toObjectType: ObjectType,
    page: PageRequest,
  ): Promise<Page<{ id: string }>>;
}

/** A static list (api.md, "Static lists"). */
export interface StaticList {
  readonly id: string;
  readonly name: string;
  readonly objectType: ObjectType;
  readonly size: number;
}

export interface ListService {
  /** `body`: `{ name, objectType }`, unvalidated. */
  create(body: unknown): Promise<StaticList>;
  page(page: PageRequest): Promise<Page<StaticList>>;
  get(id: string): Promise<StaticList>;
  delete(id: string): Promise<void>;
  /** Membership changes are changes of the member (`listed`, `unlisted`); adding a member is idempotent. */
  addMember(id: string, recordId: string, options?: WriteOptions): Promise<void>;
  /** Removing a record that is not a member changes nothing. */
  removeMember(id: string, recordId: string, options?: WriteOptions): Promise<void>;
  members(id: string, page: PageRequest): Promise<Page<{ id: string }>>;
}

export interface ReviewResult {
  readonly matching: number;
  readonly sample: readonly string[];
  readonly listId?: string;
}

export interface WorkflowService {
  /** `body`: a workflow (workflow.md) or `{ templateId, name }`; 201 `draft`, revision 1. */
  create(body: unknown): Promise<StoredWorkflow>;
  page(
    filter: { objectType?: ObjectType; status?: WorkflowStatus },
    page: PageRequest,
  ): Promise<Page<StoredWorkflow>>;
  get(id: string): Promise<StoredWorkflow>;
  /** `body` carries the `revision` it edits: ConflictError on a stale one. */
  update(id: string, body: unknown): Promise<StoredWorkflow>;
  /** ConflictError while active. */
  delete(id: string): Promise<void>;
  revisions(id: string): Promise<RevisionSummary[]>;
  revision(id: string, revision: number): Promise<StoredWorkflow>;
  /** Records meeting the criteria now, paged through the type's records with bounded memory. */
  review(id: string, body: unknown): Promise<ReviewResult>;
  /** The compiled ASL of the live (or draft) revision. */
  definition(id: string): Promise<StateMachineDefinition>;
}

/** The workflow history (api.md, "History events"), newest first. */
export interface HistoryService {
  ofRecord(objectType: ObjectType, recordId: string, page: PageRequest): Promise<Page<HistoryLine>>;
}

/** A workflow's enrollments and history (api.md `/workflows/{id}/enrollments`, `/history`). */
export type EnrollmentApi = Pick<
  EnrollmentService,
  'page' | 'enrollManually' | 'unenrollManually' | 'history' | 'retry'
>;

/** `GET /workflows/{id}/stats`. */
export interface WorkflowStats {
  /** Every enrollment started (re-enrollments included). */
  readonly enrolled: number;
  /** The enrollments in each status now: they add up to `enrolled`. */
  readonly active: number;
  readonly completed: number;
  readonly unenrolled: number;
  readonly goalMet: number;
  readonly failed: number;
  /** `goalMet / enrolled`, a number in [0, 1] (not rounded); 0 when nothing enrolled. */
  readonly conversionRate: number;
}

/** `POST /workflows/{id}/test`: a stored record, or a record given by its properties; `at` defaults to now. */
export type DryRunRequest = (
  | { readonly recordId: string; readonly record?: undefined }
  | { readonly record: { readonly properties: Properties }; readonly recordId?: undefined }
) & { readonly at?: string };

/** `GET /workflows/{id}/explain?recordId=`. */
export interface EnrollmentExplain extends EnrollmentExplanation {
  readonly workflowId: string;
  readonly revision: number;
  readonly objectType: string;
  readonly recordId: string;
  /** The instant the parts were evaluated at (time filters). */
  readonly at: string;
  readonly enrollment: {
    readonly status: 'enrolled' | 'not enrolled';
    /** The active enrollment, when enrolled. */
    readonly current: EnrollmentView | null;
    /** The latest enrollment, active or ended (null: never enrolled). */
    readonly latest: EnrollmentView | null;
    /** How many times the record enrolled in the workflow. */
    readonly count: number;
  };
  /** Whether it would enroll now, and every reason deciding it (as the dry run gives them). */
  readonly wouldEnroll: boolean;
  readonly reasons: readonly EnrollmentReason[];
}

/** What the API asks about one workflow without changing anything: its counts, a dry run, an explanation. */
export interface WorkflowInsights {
  /** 404 unknown workflow. */
  stats(workflowId: string): Promise<WorkflowStats>;
  /** 404 unknown workflow or record; 400 for properties that do not fit the type's catalogue. Writes nothing. */
  test(workflowId: string, request: DryRunRequest): Promise<DryRunResult>;
  /** 404 unknown workflow or record. Writes nothing. */
  explain(workflowId: string, recordId: string): Promise<EnrollmentExplain>;
}

/** Everything the API's handlers call. */
export interface CrmServices {
  readonly properties: PropertyService;
  readonly records: RecordService;
  readonly lists: ListService;
  readonly workflows: WorkflowService;
  readonly templates: TemplateCatalog;
  readonly history: HistoryService;
  readonly enrollments: EnrollmentApi;
  /** `POST /workflows/{id}/activate` and `/deactivate`. */
  readonly activation: ActivationApi;
  /** `GET /workflows/{id}/stats`, `POST /workflows/{id}/test`, `GET /workflows/{id}/explain`: reads only. */
  readonly insights: WorkflowInsights;
}

/** What the API asks of activation (the background continuation is the runtime's). */
export type ActivationApi = Pick<ActivationService, 'activate' | 'deactivate'>;
