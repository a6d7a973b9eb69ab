#include "api/http/stream_json.hpp"

#include "api/http/json_writer.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <ctime>

#include "pipelines/codec_table.hpp"
#include "pipelines/source_uri.hpp"

namespace sy {
namespace {

// Unix ms as "2026-12-01T05:29:50Z". The list formats one per stream, and a registry
// changed over a day holds many seconds, so the date is kept per day and the time of
// day written by hand (strftime was 7 % of listing 10,000 streams).
class iso_time {
 public:
  const char* operator()(int64_t ms) {
    std::time_t t = ms / 1000;
    if (ms < 0) t = 0;
    std::time_t day = t / 86400;
    if (day != day_ || !buf_[0]) {
      std::tm tm{};
      gmtime_r(&t, &tm);
      date_len_ = std::strftime(buf_, sizeof buf_ - 10, "%Y-%m-%dT", &tm);
      day_ = day;
    }
    int s = int(t % 86400);
    char* p = buf_ + date_len_;
    put2(p, s / 3600);
    p[2] = ':';
    put2(p + 3, s / 60 % 60);
    p[5] = ':';
    put2(p + 6, s % 60);
    p[8] = 'Z';
    p[9] = 0;
    return buf_;
  }

 private:
  static void put2(char* p, int v) {
    p[0] = char('0' + v / 10);
    p[1] = char('0' + v % 10);
  }
  std::time_t day_ = -1;
  size_t date_len_ = 0;
  char buf_[40] = {};
};

// What the writers read of a stream_info or a list_row.
struct stream_view {
  const std::vector<std::string>& sources;
  bool preload;
  const stream_status& status;
  int64_t since_ms;
  const std::string& alias_of;
};

const stream_status never_woken;

stream_view view(const stream_info& s) { return {s.sources, s.preload, s.status, s.status.since_ms, s.alias_of}; }
stream_view view(const list_row& r) {
  auto& st = r.status ? *r.status : never_woken;
  return {*r.sources, r.preload, st, r.status ? st.since_ms : r.since_ms, r.alias_of};
}

template <class Writer>
void write_codec(Writer& w, const track_info& t) {
  auto* codec = find_codec(t.caps);
  w.Key("codec");
  w.StartObject();
  w.Key("codec_name");
  w.String(codec ? codec->api_name : t.caps.c_str());
  w.Key("codec_type");
  w.String(t.kind.c_str());
  if (t.width) {
    w.Key("width");
    w.Uint(t.width);
    w.Key("height");
    w.Uint(t.height);
  }
  if (t.clock_rate) {
    w.Key("sample_rate");
    w.Uint(t.clock_rate);
  }
  w.EndObject();
}

// The tracks of the producer at `index` when it runs: the connected source's, or
// a transcode's that runs beside it; nullptr when it does not run.
const std::vector<track_info>* running_tracks(const stream_status& status, size_t index) {
  if (status.active_source == int32_t(index) && !status.tracks.empty()) return &status.tracks;
  for (auto& p : status.transcodes)
    if (p.source == int32_t(index)) return &p.tracks;
  return nullptr;
}

// A running producer's medias, receivers and byte count.
template <class Writer>
void write_tracks(Writer& w, const std::vector<track_info>& tracks) {
  w.Key("medias");
  w.StartArray();
  for (auto& t : tracks) w.String(media_line(t).c_str());
  w.EndArray();
  w.Key("receivers");
  w.StartArray();
  uint64_t total = 0, id = 100;
  for (auto& t : tracks) {
    w.StartObject();
    w.Key("id");
    w.Uint64(id++);
    write_codec(w, t);
    w.Key("bytes");
    w.Uint64(t.bytes);
    w.Key("packets");
    w.Uint64(t.packets);
    w.EndObject();
    total += t.bytes;
  }
  w.EndArray();
  w.Key("bytes_recv");
  w.Uint64(total);
}

template <class Writer>
void write_producer(Writer& w, const stream_view& info, size_t index) {
  auto& source = info.sources[index];
  w.StartObject();
  w.Key("url");
  if (source.find('@') == std::string::npos) {  // nothing to mask: no copy
    w.String(source.c_str(), rapidjson::SizeType(source.size()));
  } else {
    auto url = mask_credentials(source);
    w.String(url.c_str(), rapidjson::SizeType(url.size()));
  }
  if (auto* tracks = running_tracks(info.status, index)) {
    auto spec = parse_source(info.sources[index]);
    w.Key("id");
    w.Uint64(index + 1);
    w.Key("format_name");
    w.String(is_stream_reference(info.sources[index]) ? "stream" : spec.scheme.c_str());
    if (spec.scheme == "rtsp" || spec.scheme == "rtsps") {
      w.Key("protocol");
      w.String(spec.options.count("transport") && spec.options.at("transport") == "udp" ? "rtsp+udp" : "rtsp+tcp");
    }
    write_tracks(w, *tracks);
  }
  w.EndObject();
}

// A publisher (WHIP) feeding the stream: the producer after its sources.
template <class Writer>
void write_publisher(Writer& w, const stream_status& status, size_t index) {
  w.StartObject();
  w.Key("id");
  w.Uint64(index + 1);
  w.Key("format_name");
  w.String(status.publisher.c_str());
  w.Key("protocol");
  w.String("whip");
  write_tracks(w, status.tracks);
  w.EndObject();
}

// `producer`: the id (source index + 1) of the producer the consumer reads.
template <class Writer>
void write_consumer(Writer& w, const consumer_info& c, int32_t producer) {
  w.StartObject();
  w.Key("id");
  w.Uint64(c.id);
  w.Key("format_name");
  w.String(consumer_kind_name(c.kind));
  if (producer >= 0) {
    w.Key("producer");
    w.Uint64(uint64_t(producer) + 1);
  }
  w.Key("bytes_send");
  w.Uint64(c.bytes);
  w.Key("packets");
  w.Uint64(c.packets);
  w.EndObject();
}

template <class Writer>
void write_stream(Writer& w, const stream_view& info, iso_time& since) {
  w.StartObject();
  w.Key("producers");
  bool published = !info.status.publisher.empty();
  if (info.sources.empty() && !published) {
    w.Null();
  } else {
    w.StartArray();
    for (size_t i = 0; i < info.sources.size(); ++i) write_producer(w, info, i);
    if (published) write_publisher(w, info.status, info.sources.size());
    w.EndArray();
  }
  w.Key("consumers");
  bool any = !info.status.consumers.empty();
  for (auto& p : info.status.transcodes) any = any || !p.consumers.empty();
  if (!any) {
    w.Null();
  } else {
    w.StartArray();
    auto producer = published ? int32_t(info.sources.size()) : info.status.active_source;
    for (auto& c : info.status.consumers) write_consumer(w, c, producer);
    for (auto& p : info.status.transcodes)
      for (auto& c : p.consumers) write_consumer(w, c, p.source);
    w.EndArray();
  }
  w.Key("state");
  w.String(state_name(info.status.state));
  w.Key("last_error");
  w.String(info.status.last_error.c_str());
  w.Key("since");
  w.String(since(info.since_ms));
  w.Key("preload");
  w.Bool(info.preload);
  if (!info.alias_of.empty()) {
    w.Key("alias_of");
    w.String(info.alias_of.c_str());
  }
  w.EndObject();
}

}  // namespace

std::string media_line(const track_info& t) {
  auto* codec = find_codec(t.caps);
  std::string line = t.kind + ", recvonly, " + (codec ? codec->name : t.caps);
  if (t.kind == "audio" && t.clock_rate) {
    line += "/" + std::to_string(t.clock_rate);
    if (t.channels > 1) line += "/" + std::to_string(t.channels);
  }
  return line;
}

std::string stream_json(const stream_info& info) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  iso_time since;
  write_stream(w, view(info), since);
  return buf.GetString();
}

std::string streams_json(const std::vector<stream_info>& all) {
  std::string out;
  out.reserve(all.size() * 192 + 2);  // a stream nobody watches takes about 150 bytes
  json_writer w{out};
  iso_time since;
  w.StartObject();
  for (auto& s : all) {
    w.Key(s.name.c_str(), s.name.size());
    write_stream(w, view(s), since);
  }
  w.EndObject();
  return out;
}

// A run of rows nobody has woken is written once, as members, and its text shared by
// every list until the run changes: a list of 10,000 idle streams copies a few
// hundred texts instead of writing 10,000 rows.
std::string streams_json(const list_snapshot& all) {
  std::string out;
  out.reserve(all.size() * 160 + 2);
  json_writer w{out};
  iso_time since;
  auto write_row = [&](json_writer& to, const list_row& row) {
    to.Key(row.name.c_str(), row.name.size());
    write_stream(to, view(row), since);
  };
  auto members = [&](const std::vector<list_row>& rows) {
    std::string text;
    text.reserve(rows.size() * 160);
    json_writer run{text};
    for (auto& row : rows) write_row(run, row);
    return text;
  };
  w.StartObject();
  all.visit([&](const list_chunk_rows& run) { w.Members(run.text(members)); },
            [&](const list_row& row) { write_row(w, row); });
  w.EndObject();
  return out;
}

}  // namespace sy
