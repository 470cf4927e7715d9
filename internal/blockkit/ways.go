package blockkit

import (
	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/slack-go/slack"
)

// The ways in beside the slash command, mentions and DMs (CONTRACT.md,
// "More ways in"): shortcuts, the assistant panel, a Workflow Builder
// step.

// Identifiers (contract).
const (
	// ShortcutAskAdvisor is the global shortcut; it opens the question
	// modal QuestionCallbackID, whose input block is QuestionBlockID.
	ShortcutAskAdvisor = "ask_advisor"
	QuestionCallbackID = "advisor_question"
	QuestionBlockID    = "question"
	// ShortcutAskAboutMessage is the message shortcut.
	ShortcutAskAboutMessage = "ask_about_message"
	// ActionShareAnswer posts a private answer to a message's thread; its
	// value says what and where (the bot's codec).
	ActionShareAnswer = "share_answer"
	// FunctionRecommendRole is the Workflow Builder step.
	FunctionRecommendRole = "recommend_role"
	// MaxQuestionInput is the most a question typed in the modal may hold.
	MaxQuestionInput = 2000
)

// QuestionModal asks one question, for the global shortcut.
func QuestionModal() slack.ModalViewRequest {
	in := slack.NewPlainTextInputBlockElement(plain("What does a fractional CAIO do in the first month?", 150), QuestionBlockID)
	in.Multiline = true
	in.MaxLength = MaxQuestionInput
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		CallbackID: QuestionCallbackID,
		Title:      plain("Fractional Advisor", MaxModalTitle),
		Submit:     plain("Ask", MaxModalTitle),
		Close:      plain("Cancel", MaxModalTitle),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock(QuestionBlockID, plain("Your question", 2000),
				plain("About fractional CAIOs and CTOs: roles, timing, cost. The answer arrives in your DM with me.", 2000), in),
		}},
	}
}

// QuestionErrors is the response_action "errors" map for a question the
// modal refuses.
func QuestionErrors(empty bool) map[string]string {
	if empty {
		return map[string]string{QuestionBlockID: "Please type a question."}
	}
	return map[string]string{QuestionBlockID: "Please keep it under 2,000 characters."}
}

// WithShare adds, under a private answer to a message shortcut, the button
// that posts it in the message's thread for everyone.
func WithShare(m Message, value string) Message {
	blocks := append([]slack.Block(nil), m.Blocks...)
	blocks = append(blocks, actions("share_answer_actions",
		button(ActionShareAnswer, value, "Post in the thread").WithStyle(slack.StylePrimary)))
	return Message{Text: m.Text, Blocks: blocks}
}

// NothingToRead answers a message shortcut on a message without text.
func NothingToRead() Message {
	return Note("nothing_to_read", "That message has no text for me to read (files and images I can't open). Copy the question into `/fractional-advisor ask …` instead.")
}

// CannotPostThere answers a share click where the bot cannot post.
func CannotPostThere() Message {
	return Note("cannot_post_there", "I can't post in that conversation: I'm not a member (or it's a direct message between other people). Invite me with `/invite @Fractional Advisor`, or share the answer yourself.")
}

// ShortcutFailed tells a user, in their DM, that the question form did
// not open in time.
func ShortcutFailed() Message {
	return Note("shortcut_failed", "Sorry, the question form didn't open in time. Please choose *Ask Fractional Advisor* from the shortcuts menu again.")
}

// Prompt is a suggested prompt in Slack's assistant panel.
type Prompt struct {
	Title, Message string
}

// AssistantStart is the prompt that starts the assessment.
const AssistantStart = "Start the assessment"

// AssistantPrompts are offered when a user opens a thread with the bot in
// the assistant panel.
func AssistantPrompts() []Prompt {
	return []Prompt{
		{Title: "Take the assessment", Message: AssistantStart},
		{Title: "CAIO or CTO first?", Message: "Should we hire a fractional CAIO or a fractional CTO first?"},
		{Title: "What a fractional CAIO does", Message: "What does a fractional CAIO do day to day?"},
		{Title: "What it costs", Message: "What does a fractional CTO or CAIO cost compared with a full-time hire?"},
	}
}

// Thinking is the assistant thread's status while the bot answers.
const Thinking = "is thinking…"

// StepSummary is the Workflow Builder step's summary output: plain text
// for whatever the workflow does next.
func StepSummary(rec advisor.Recommendation) string {
	return RoleTitle(rec.Role) + ". " + rec.Summary + " Confidence " + percent(rec.Confidence) + "."
}
