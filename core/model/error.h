#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace qpgw {

// What went wrong, as a value. The kind says which HTTP status it becomes; that mapping lives
// in exactly one place (the HTTP layer). The message is the text the client gets, so its
// fixed prefixes match the reference ("text format parsing error in line N: ...").
struct Error
{
    enum class Kind {
        BadRequest,      // malformed URL, body or grouping key: 400
        Rejected,        // the store refused a push (timestamps, inconsistency): 400
        PayloadTooLarge, // 413
        UnsupportedMediaType, // 415
        Internal,        // 500
    };

    Kind kind = Kind::BadRequest;
    QString message;

    static Error badRequest(QString message) { return {Kind::BadRequest, std::move(message)}; }
    static Error rejected(QString message) { return {Kind::Rejected, std::move(message)}; }
};

// A value or the reason there is none. Small on purpose: std::expected is C++23.
template<typename T>
class Expected
{
public:
    Expected(T value) : m_data(std::move(value)) {}
    Expected(Error error) : m_data(std::move(error)) {}

    bool hasValue() const { return m_data.index() == 0; }
    explicit operator bool() const { return hasValue(); }

    T &value() & { return std::get<0>(m_data); }
    const T &value() const & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }

    const Error &error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

} // namespace qpgw
