#include "gui/model/lesson_session.hpp"

namespace sendpath::gui {

std::optional<std::size_t> LessonSession::pause_point(std::size_t from, std::size_t to) const {
    if (instructor || to <= from) return std::nullopt;
    std::optional<std::size_t> best;
    for (const auto& q : key.questions)
        if (q.event > from && q.event <= to && !checked.count(q.id) && (!best || q.event < *best)) best = q.event;
    return best;
}

int LessonSession::current_step(std::size_t cursor) const {
    int last = -1;
    for (std::size_t i = 0; i < key.step_events.size(); ++i)
        if (key.step_events[i] <= cursor &&
            (last < 0 || key.step_events[i] >= key.step_events[static_cast<std::size_t>(last)]))
            last = static_cast<int>(i);
    return last;
}

bool LessonSession::correct(const std::string& id) const {
    const auto* q = key.question(id);
    auto it = sheet.answers.find(id);
    return q && it != sheet.answers.end() && lesson::answer_is_correct(*q, it->second);
}

}  // namespace sendpath::gui
