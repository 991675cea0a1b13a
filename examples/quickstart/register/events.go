package register

// The protocol events a server reports through nodeapi.Reach: moments where the protocol
// is fragile. In the simulator a fault may wait for one, and a guided campaign keeps the
// scenarios that reach new ones; any other runtime ignores them.
const (
	// EventPrimary: a server won a view and became its primary.
	EventPrimary = "primary"
	// EventStepDown: a primary saw a later view and became a backup.
	EventStepDown = "step-down"
	// EventStateInstall: a backup replaced its state by the primary's whole state.
	EventStateInstall = "state-install"
	// EventDuplicate: a primary answered a retried operation from its session.
	EventDuplicate = "duplicate"
	// EventTornSlot: a recovering server found a record cut short by a crash.
	EventTornSlot = "torn-slot"
	// EventSyncFailed: a Sync failed and the server fail-stops.
	EventSyncFailed = "sync-failed"
)

// Events lists every event a server reports, for fuzz.Target.Events.
func Events() []string {
	return []string{EventPrimary, EventStepDown, EventStateInstall, EventDuplicate,
		EventTornSlot, EventSyncFailed}
}
