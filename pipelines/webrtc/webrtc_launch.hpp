// Launch text of a WebRTC sender: webrtcbin `wb` and, for each m-line of the offer
// that one of the stream's tracks fits, `appsrc in<M>` -> payloader -> RTP caps that
// echo the offer's payload type and fmtp -> `queue pay<M>`, which the sender links to
// webrtcbin's sink_<M> once the offer has made that m-line's transceiver. Pure.
#pragma once

#include <vector>

#include "pipelines/source_launch.hpp"
#include "pipelines/webrtc/webrtc_offer.hpp"

namespace sy {

launch_result webrtc_launch(const std::vector<offered_media>& media);

}  // namespace sy
