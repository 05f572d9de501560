#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "discovery/fetcher.hpp"

namespace sealpost::discovery {

namespace {

struct Body {
    std::string data;
    std::size_t max_bytes = 0;
    bool over_limit = false;
};

// Returning less than was offered makes libcurl abort the transfer (CURLE_WRITE_ERROR): a
// hostile server cannot make us hold more than max_bytes.
std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* body = static_cast<Body*>(user);
    std::size_t bytes = size * count;
    if (body->data.size() + bytes > body->max_bytes) {
        body->over_limit = true;
        return 0;
    }
    body->data.append(data, bytes);
    return bytes;
}

struct CurlDeleter {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

void set_limits(CURL* curl, const FetchRequest& request) {
    auto ms = static_cast<long>(request.timeout.count());
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, ms);
    // A server trickling bytes is abandoned after a second below 256 bytes/s.
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 256L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_bytes));
}

void set_safety(CURL* curl, const FetchRequest& request, curl_slist* pinned) {
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // redirects are never followed
    curl_easy_setopt(curl, CURLOPT_PROXY, "");           // no proxy from the environment
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);        // we run on worker threads
    curl_easy_setopt(curl, CURLOPT_RESOLVE, pinned);
    if (!request.ca_file.empty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, request.ca_file.c_str());
}

std::string describe(CURLcode rc, const Body& body, const char* detail) {
    if (body.over_limit || rc == CURLE_FILESIZE_EXCEEDED)
        return "the response is over the limit of " + std::to_string(body.max_bytes) + " bytes";
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return std::string("timed out: ") + detail;
    return std::string(curl_easy_strerror(rc)) + (*detail ? std::string(": ") + detail : "");
}

}  // namespace

std::optional<HttpUrl> parse_http_url(const std::string& text) {
    std::unique_ptr<CURLU, CurlDeleter> url(curl_url());
    if (!url || curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK)
        return std::nullopt;
    char* scheme = nullptr;
    char* host = nullptr;
    char* port = nullptr;
    HttpUrl out;
    if (curl_url_get(url.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(url.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(url.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        out = {scheme, host, std::atoi(port)};
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    if (out.scheme != "http" && out.scheme != "https")
        return std::nullopt;
    return out;
}

CurlFetcher::CurlFetcher() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

FetchResult CurlFetcher::fetch(const FetchRequest& request) {
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl)
        return {.error = "curl_easy_init failed"};
    std::unique_ptr<curl_slist, CurlDeleter> pinned;
    for (const auto& entry : request.pinned)
        pinned.reset(curl_slist_append(pinned.release(), entry.c_str()));
    Body body{.max_bytes = request.max_bytes};
    char detail[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl.get(), CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "sealpost");
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, detail);
    set_limits(curl.get(), request);
    set_safety(curl.get(), request, pinned.get());
    FetchResult result;
    auto rc = curl_easy_perform(curl.get());
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &result.status);
    if (rc != CURLE_OK) {
        result.hostile = body.over_limit || rc == CURLE_FILESIZE_EXCEEDED;
        result.error = describe(rc, body, detail);
    } else if (result.status >= 300 && result.status < 400) {
        result.hostile = true;
        result.error = "redirect (status " + std::to_string(result.status) + ") not followed";
    } else if (result.status != 200) {
        result.error = "status " + std::to_string(result.status);
    } else {
        result.ok = true;
        result.body = std::move(body.data);
    }
    return result;
}

}  // namespace sealpost::discovery
