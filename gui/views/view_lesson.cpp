// Lesson: the narrative of the step the cursor has reached, and the questions.
// A question is asked at its event, before the trace shows what comes next:
// the replay stops there (App::finish_move) and every view stops at the
// cursor (Document::horizon) until the student checks an answer.
// Instructor mode shows the answer key and lets the replay go anywhere.
//
// Nothing the student typed is kept in this view: it lives in the
// Document's LessonSession (so another lesson starts clean) and autosaves
// after every change (gui/model/answers_store.hpp). Nothing is overwritten
// without asking: Save answers to an existing file, switching to a student
// name that already has saved answers, and Submit all confirm first.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <filesystem>

#include "gui/model/answers_store.hpp"
#include "gui/views/view.hpp"
#include "gui/widgets.hpp"
#include "lesson/grade.hpp"
#include "trace/event.hpp"

namespace fs = std::filesystem;

namespace sendpath::gui {

namespace {
const ImVec4 kRight(0.4f, 0.85f, 0.4f, 1);
const ImVec4 kWrong(0.95f, 0.45f, 0.4f, 1);

class LessonView final : public View {
public:
    std::string_view id() const override { return "lesson"; }
    std::string_view title() const override { return "Lesson"; }
    bool default_open() const override { return false; }

    void draw(ViewContext& ctx) override {
        auto* ls = ctx.doc.lesson.get();
        if (!ls) {
            text_dim("Open a lesson (lessons/*.json) to see its story and questions here.");
            return;
        }
        // A new session (another lesson, or a reload) starts with its own
        // name field and no pending confirmation.
        if (ls->serial != session_) {
            session_ = ls->serial;
            student_edit_ = ls->sheet.student;
            saved_to_.clear();
            confirm_ = Confirm::none;
            last_active_ = -2;
        }
        const auto& l = ls->lesson;
        ImGui::TextWrapped("%s", l.title.c_str());
        if (ls->assessment)
            ImGui::TextColored(ImVec4(0.95f, 0.75f, 0.35f, 1),
                               ls->submitted ? "Assessment, submitted at %s"
                                             : "Assessment: the first answer counts; "
                                               "results after Submit%s",
                               ls->submitted ? ls->submitted_at.c_str() : "");
        if (ImGui::CollapsingHeader("Objectives")) {
            for (const auto& o : l.objectives) ImGui::BulletText("%s", o.c_str());
        }
        bool instr = ls->instructor;
        if (!ls->instructor_unlocked) ImGui::BeginDisabled();
        if (ImGui::Checkbox("Instructor mode (answer key, no pauses)", &instr)) ls->set_instructor(instr);
        if (!ls->instructor_unlocked) {
            ImGui::EndDisabled();
            ImGui::SameLine();
            text_dim("(locked: --instructor-key FILE)");
        }
        ImGui::Separator();

        const std::size_t cur = ctx.doc.cursor();
        const int step = ls->current_step(cur);
        if (step >= 0) {
            ImGui::TextWrapped("%s", l.steps[static_cast<std::size_t>(step)].text.c_str());
        } else {
            text_dim("Step forward (F11) to start: the story begins at the first step's event.");
        }
        ImGui::Separator();

        int answered = 0;
        for (const auto& q : ls->key.questions) answered += ls->checked.count(q.id) ? 1 : 0;
        ImGui::Text("Questions: %d of %zu answered", answered, ls->key.questions.size());
        // The question asked now gets the scroll when it changes (or the cursor moves onto it).
        const int active = ls->active_question(cur);
        const bool scroll = active != last_active_ || ctx.doc.generation() != last_generation_;
        last_active_ = active;
        last_generation_ = ctx.doc.generation();
        for (std::size_t i : ls->question_order())
            draw_question(ctx, *ls, l.questions[i], ls->key.questions[i], cur, static_cast<int>(i) == active && scroll);

        ImGui::Separator();
        if (ls->assessment && !ls->submitted) {
            if (ImGui::Button("Submit")) confirm_ = Confirm::submit;
            ImGui::SameLine();
            text_dim("ends the assessment and shows the results");
        }
        footer(*ls);
        confirmations(*ls);
    }

private:
    enum class Confirm { none, overwrite, student, submit };

    void draw_question(ViewContext& ctx, LessonSession& ls, const lesson::Question& q, const lesson::KeyQuestion& k,
                       std::size_t cur, bool scroll_here) {
        ImGui::PushID(q.id.c_str());
        const bool reached = cur >= k.event;
        const bool checked = ls.checked.count(q.id) != 0;
        if (!reached && !ls.instructor) {
            text_dim(("- " + q.id + ": asked at event " + std::to_string(k.event)).c_str());
            ImGui::PopID();
            return;
        }
        ImGui::Spacing();
        if (scroll_here) ImGui::SetScrollHereY(0.25f);
        ImGui::TextWrapped("%s", q.prompt.c_str());
        if (ls.instructor && ImGui::SmallButton("go to its event")) ctx.push(Command::jump(k.event));
        QuestionUi& u = ls.ui[q.id];
        const bool locked = ls.locked(q.id);
        if (locked) ImGui::BeginDisabled();
        bool edited = false;
        switch (q.type) {
            case lesson::QuestionType::number:
                ImGui::SetNextItemWidth(140);
                ImGui::InputText(q.unit.empty() ? "##n" : q.unit.c_str(), &u.input,
                                 ImGuiInputTextFlags_CharsScientific);
                edited = ImGui::IsItemDeactivatedAfterEdit();
                break;
            case lesson::QuestionType::next_branch:
                ImGui::SetNextItemWidth(220);
                if (!q.branch_choices.empty()) {
                    if (ImGui::BeginCombo("##kind", u.input.empty() ? "which branch?" : u.input.c_str())) {
                        for (auto kind : q.branch_choices) {
                            const std::string name(trace::kind_name(kind));
                            if (ImGui::Selectable(name.c_str(), u.input == name)) {
                                u.input = name;
                                edited = true;
                            }
                        }
                        ImGui::EndCombo();
                    }
                } else {
                    ImGui::InputTextWithHint("##kind", "event kind, e.g. tail_append", &u.input);
                    edited = ImGui::IsItemDeactivatedAfterEdit();
                }
                break;
            case lesson::QuestionType::choice:
                for (const auto& c : q.choices)
                    if (ImGui::RadioButton(c.text.c_str(), u.input == c.id)) {
                        u.input = c.id;
                        edited = true;
                    }
                break;
        }
        if (ImGui::Button("Check")) {
            ls.check(q.id, u.input, utc_now_iso());
            edited = true;
        }
        if (locked) ImGui::EndDisabled();
        if (edited) autosave(ls);  // typed answers (drafts) are kept too
        // Check always says what happened; a verdict only where it may be shown.
        if (!u.status.empty()) {
            ImGui::SameLine();
            const bool verdict = checked && ls.verdict_visible();
            if (verdict) ImGui::TextColored(ls.correct(q.id) ? kRight : kWrong, "%s", u.status.c_str());
            else text_dim(u.status);
        }
        // The explanation gives the answer away: shown once it is right, after
        // Submit in an assessment, or to an instructor.
        if (!q.explain.empty() && checked && ls.verdict_visible() &&
            (ls.correct(q.id) || ls.submitted || ls.instructor))
            ImGui::TextWrapped("%s", q.explain.c_str());
        if (ls.instructor) text_dim(("key: " + k.answer_json().dump()).c_str());
        ImGui::PopID();
    }

    // The name, then the file to hand in and its button: each on a line of
    // its own when the window is too narrow for both, never cut.
    void footer(LessonSession& ls) {
        const ImGuiStyle& st = ImGui::GetStyle();
        const float button_w = ImGui::CalcTextSize("Save answers").x + st.FramePadding.x * 2;
        const float name_w = ImGui::GetFontSize() * 12;
        const float path_min = ImGui::GetFontSize() * 12;
        ImGui::SetNextItemWidth(std::min(name_w, ImGui::GetContentRegionAvail().x));
        ImGui::InputTextWithHint("##student", "your name (then Enter)", &student_edit_);
        if (ImGui::IsItemDeactivatedAfterEdit() && student_edit_ != ls.sheet.student) change_student(ls);
        if (ImGui::GetContentRegionAvail().x - name_w - st.ItemSpacing.x * 2 >= path_min + button_w) ImGui::SameLine();
        ImGui::SetNextItemWidth(std::max(path_min, ImGui::GetContentRegionAvail().x - button_w - st.ItemSpacing.x));
        ImGui::InputText("##answers_path", &ls.save_path);
        ImGui::SameLine();
        if (ImGui::Button("Save answers")) {
            if (ls.sheet.student.empty()) {
                ls.status = "not saved: type your name first (a grader needs it)";
                return;
            }
            std::error_code ec;
            // A file this session did not write may be someone's work: ask first.
            if (fs::exists(ls.save_path, ec) && ls.save_path != saved_to_) confirm_ = Confirm::overwrite;
            else save_as(ls);
        }
        ImGui::PushTextWrapPos(0.0f);
        if (!ls.status.empty()) text_dim(ls.status);
        ImGui::PopTextWrapPos();
    }

    void save_as(LessonSession& ls) {
        try {
            write_answers(ls, ls.save_path);
            saved_to_ = ls.save_path;
            ls.status = "saved " + std::to_string(ls.checked.size()) + " answers to " + ls.save_path;
        } catch (const std::exception& e) { ls.status = std::string("not saved: ") + e.what(); }
    }

    // Answers are kept per student: a name that already has saved answers
    // for this lesson asks before those are loaded (this name's stay in its file).
    void change_student(LessonSession& ls) {
        if (student_edit_.find_first_not_of(" \t") == std::string::npos) {
            ls.status = "the student's name cannot be empty";
            student_edit_ = ls.sheet.student;
            return;
        }
        if (ls.autosave_root.empty()) {
            ls.sheet.student = student_edit_;
            ls.status = "student: " + student_edit_;
            return;
        }
        const std::string next = autosave_file(ls.autosave_root, ls.lesson.id, student_edit_);
        std::error_code ec;
        if (next != ls.autosave_path && fs::exists(next, ec)) {
            confirm_ = Confirm::student;
            pending_path_ = next;
            return;
        }
        ls.sheet.student = student_edit_;
        ls.autosave_path = next;
        if (autosave(ls)) ls.status = "answers of " + student_edit_ + " autosave to " + next;
    }

    void confirmations(LessonSession& ls) {
        const char* id = confirm_ == Confirm::overwrite ? "Overwrite?###confirm"
                         : confirm_ == Confirm::student ? "Saved answers found###confirm"
                                                        : "Submit?###confirm";
        if (confirm_ != Confirm::none && !ImGui::IsPopupOpen(id)) ImGui::OpenPopup(id);
        if (!ImGui::BeginPopupModal(id, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
        auto done = [&] {
            confirm_ = Confirm::none;
            ImGui::CloseCurrentPopup();
        };
        if (confirm_ == Confirm::overwrite) {
            ImGui::Text("%s exists and was not written by this session.", ls.save_path.c_str());
            ImGui::Text("Replace it with these %zu answers?", ls.checked.size());
            if (ImGui::Button("Replace")) {
                save_as(ls);
                done();
            }
        } else if (confirm_ == Confirm::student) {
            ImGui::Text("Answers of %s for this lesson are saved in", student_edit_.c_str());
            ImGui::Text("%s.", pending_path_.c_str());
            if (ls.sheet.student.empty())
                ImGui::Text("Load them? The answers on screen were saved under no name: they are replaced.");
            else ImGui::Text("Load them? The answers on screen stay saved under %s.", ls.sheet.student.c_str());
            if (ImGui::Button("Load them")) {
                LessonSession fresh_view = ls;  // a copy: a file that does not read changes nothing
                try {
                    fresh_view.ui.clear();
                    fresh_view.checked.clear();
                    fresh_view.sheet.answers.clear();
                    read_answers(fresh_view, pending_path_);
                    fresh_view.sheet.student = student_edit_;
                    fresh_view.autosave_path = pending_path_;
                    fresh_view.status = "loaded " + std::to_string(fresh_view.checked.size()) + " answers of " +
                                        student_edit_ + " from " + pending_path_;
                    ls = std::move(fresh_view);
                } catch (const std::exception& e) {
                    ls.status = "not loaded: " + std::string(e.what());
                    student_edit_ = ls.sheet.student;
                }
                done();
            }
        } else if (confirm_ == Confirm::submit) {
            int open = 0;
            for (const auto& q : ls.key.questions) open += ls.checked.count(q.id) ? 0 : 1;
            ImGui::Text("Submit the assessment? No answer can be changed afterwards.");
            if (open) ImGui::Text("%d question%s not answered yet.", open, open == 1 ? " is" : "s are");
            if (ImGui::Button("Submit")) {
                ls.submit(utc_now_iso());
                autosave(ls);
                done();
            }
        }
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) {
            if (confirm_ == Confirm::student) student_edit_ = ls.sheet.student;
            done();
        }
        ImGui::EndPopup();
    }

    uint64_t session_ = 0;      // the session (serial) the fields below belong to
    std::string student_edit_;  // the name field, applied on Enter
    std::string saved_to_;      // the file Save answers last wrote (no question to overwrite it)
    std::string pending_path_;  // Confirm::student: the other name's file
    Confirm confirm_ = Confirm::none;
    int last_active_ = -2;
    uint64_t last_generation_ = 0;
};
}  // namespace

std::unique_ptr<View> make_lesson_view() { return std::make_unique<LessonView>(); }

}  // namespace sendpath::gui
