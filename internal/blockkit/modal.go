package blockkit

import (
	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/slack-go/slack"
)

// MaxContextInput is how much free-text context the modal accepts.
const MaxContextInput = 1000

// AssessmentModal is the six-question assessment. privateMetadata is carried
// back on submission (the bot stores where to answer in it).
func AssessmentModal(privateMetadata string) slack.ModalViewRequest {
	blocks := []slack.Block{
		section("intro", "Six quick questions, then a recommendation: a fractional CAIO, a fractional CTO, both, or one after the other, with the reasons, the cost and next steps."),
	}
	for _, q := range advisor.Questions() {
		opts := make([]*slack.OptionBlockObject, 0, len(q.Options))
		for _, o := range q.Options {
			opts = append(opts, slack.NewOptionBlockObject(o.Value, plain(o.Label, MaxOptionText), nil))
		}
		id := string(q.Field)
		var el slack.BlockElement
		if len(q.Options) > 3 || q.Field == advisor.FieldBudget {
			el = slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose one", MaxOptionText), id, opts...)
		} else {
			el = slack.NewRadioButtonsBlockElement(id, opts...)
		}
		in := slack.NewInputBlock(id, plain(q.Label, 2000), plain(q.Hint, 2000), el)
		blocks = append(blocks, in)
	}
	ctx := slack.NewPlainTextInputBlockElement(plain("Anything else we should weigh? (optional)", 150), ContextBlockID)
	ctx.Multiline = true
	ctx.MaxLength = MaxContextInput
	in := slack.NewInputBlock(ContextBlockID, plain("Context", 2000), plain("Stage, industry, deadlines. Shown back to you with the recommendation.", 2000), ctx)
	in.Optional = true
	blocks = append(blocks, in)

	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      AssessmentCallbackID,
		Title:           plain("Fractional Advisor", MaxModalTitle),
		Submit:          plain("Get recommendation", MaxModalTitle),
		Close:           plain("Cancel", MaxModalTitle),
		Blocks:          slack.Blocks{BlockSet: blocks},
		PrivateMetadata: privateMetadata,
	}
}

// FieldErrors is the response_action "errors" map for a rejected
// submission: block id → message shown under that input.
func FieldErrors(field advisor.Field, missing bool) map[string]string {
	msg := "Please choose one of the options."
	if !missing {
		msg = "That answer is not one of the options; please choose again."
	}
	return map[string]string{string(field): msg}
}
