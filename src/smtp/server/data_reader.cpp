// The DATA-phase state machine (see data_reader.hpp).
#include "smtp/server/data_reader.hpp"

namespace sealpost::smtp::server {

std::size_t DataReader::feed(std::string_view bytes) {
    std::size_t taken = 0;
    while (taken < bytes.size() && state_ != State::Finished) {
        if (state_ == State::InLine) {
            std::size_t run = take_line_text(bytes.substr(taken));
            if (run > 0) {
                taken += run;
                continue;
            }
        }
        take_octet(bytes[taken]);
        ++taken;
    }
    return taken;
}

// The fast path: the octets of a line up to its next CR or LF, taken in one piece.
std::size_t DataReader::take_line_text(std::string_view bytes) {
    std::size_t run = bytes.find_first_of("\r\n");
    if (run == std::string_view::npos) {
        run = bytes.size();
    }
    count_wire_octets(run);
    emit(bytes.substr(0, run));
    return run;
}

void DataReader::take_octet(char octet) {
    switch (state_) {
        case State::LineStart:
            line_length_ = 0;
            if (octet == '.') {
                count_wire_octets(1);
                state_ = State::AfterDot;
            } else {
                take_in_line(octet);
            }
            return;
        case State::AfterDot:
            // RFC 5321 §4.5.2: a line's leading "." is removed; ".." was a stuffed ".".
            if (octet == '\r') {
                count_wire_octets(1);
                state_ = State::AfterDotCr;
            } else {
                take_in_line(octet);
            }
            return;
        case State::AfterDotCr:
            if (octet == '\n') {
                state_ = State::Finished;
                return;
            }
            flag(Problem::BareLineEnding);  // "." CR without LF: not the end of data
            take_after_cr(octet);
            return;
        case State::InLine:
            take_in_line(octet);
            return;
        case State::AfterCr:
            take_after_cr(octet);
            return;
        case State::Finished:
            return;
    }
}

void DataReader::take_in_line(char octet) {
    count_wire_octets(1);
    if (octet == '\r') {
        state_ = State::AfterCr;
        return;
    }
    state_ = State::InLine;
    if (octet == '\n') {
        flag(Problem::BareLineEnding);  // stays inside the line: never a line start
        return;
    }
    emit(std::string_view(&octet, 1));
}

// The octet after a CR: LF ends the line; anything else makes that CR a bare one.
void DataReader::take_after_cr(char octet) {
    if (octet == '\n') {
        count_wire_octets(1);
        emit("\r\n");
        state_ = State::LineStart;
        return;
    }
    flag(Problem::BareLineEnding);
    take_in_line(octet);
}

void DataReader::emit(std::string_view octets) {
    size_ += octets.size();
    if (size_ > limits_.max_message_size) {
        flag(Problem::MessageTooBig);
    }
    if (problem_ == Problem::None) {
        message_.append(octets);
    }
}

void DataReader::count_wire_octets(std::size_t count) {
    line_length_ += count;
    if (line_length_ > limits_.max_line_length) {
        flag(Problem::LineTooLong);
    }
}

void DataReader::flag(Problem problem) {
    if (problem_ == Problem::None || problem == Problem::BareLineEnding) {
        if (problem_ == Problem::None) {
            message_.clear();
            message_.shrink_to_fit();
        }
        problem_ = problem;
    }
}

}  // namespace sealpost::smtp::server
