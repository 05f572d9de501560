// Holds a source's remembered lookups (the keystore's, the directory's) for as long as it
// lives: while held, the source checks once, at the first lookup, whether another connection
// changed anything, and trusts that answer for the rest of the hold (one message).
#pragma once

namespace sealpost {

template <typename Source>
class LookupHold {
public:
    explicit LookupHold(Source& source) : source_(source) { source_.hold_lookups(true); }
    ~LookupHold() { source_.hold_lookups(false); }
    LookupHold(const LookupHold&) = delete;
    LookupHold& operator=(const LookupHold&) = delete;

private:
    Source& source_;
};

}  // namespace sealpost
