package advisor

// Role is the recommended leadership set-up. The values are the contract's.
type Role string

// The four recommendations the engine can make.
const (
	RoleCAIO        Role = "caio"
	RoleCTO         Role = "cto"
	RoleBoth        Role = "both"
	RoleCTOThenCAIO Role = "cto_then_caio"
)

// Roles lists every Role, in a stable order.
func Roles() []Role { return []Role{RoleCAIO, RoleCTO, RoleBoth, RoleCTOThenCAIO} }

// Reason explains one part of the recommendation and names the answer that
// led to it, so the user can see which of their answers mattered.
type Reason struct {
	Field Field  // the answer this reason rests on
	Value string // that answer's value
	Text  string // one or two sentences, plain text
}

// USDRange is an inclusive range of US dollars.
type USDRange struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// Cost compares fractional leadership with full-time hires over an
// engagement of Months months for Roles leaders.
type Cost struct {
	Months     int      `json:"months"`
	Roles      int      `json:"roles"`
	Fractional USDRange `json:"fractional_usd"`
	FullTime   USDRange `json:"full_time_usd"`
}

// Recommendation is the engine's answer.
type Recommendation struct {
	Role       Role
	Confidence float64 // 0.5..0.95, how clear-cut the answers are (see Recommend)
	Summary    string  // one sentence, the headline
	Reasons    []Reason
	Risks      []string
	NextSteps  []string
	// BudgetNote is set when the stated budget cannot carry what is
	// recommended at market rates; it says so plainly and what to do instead.
	BudgetNote string
	Cost       Cost
}
