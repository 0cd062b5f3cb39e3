"""Everything Temporal that is neither a workflow nor an activity: queues, ids, search attributes, policies,
error types, schedules and how runs are started. Shared by the BFF, the workers and the workflows."""
