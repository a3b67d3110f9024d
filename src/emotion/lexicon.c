/*
 * lexicon.c - the emotion lexicon, written for EEUM: Korean stems (several surface forms
 * where conjugation changes the syllables: 슬프/슬퍼/슬펐/슬픈) and common English words, each
 * with its evidence per label in the order 걱정 분노 행복 설렘 슬픔. Matching (text.c) is by
 * prefix at the start of a token — so 슬펐다, 슬펐는데, 슬퍼서 all hit 슬퍼/슬펐 — and, for
 * entries of two or more syllables, anywhere inside a token (시험걱정). The longest entry
 * wins at a position.
 */
#include "emotion_internal.h"

#include <stdlib.h>
#include <string.h>

struct lex_src {
    const char *word;
    float w[EMOTION_LABELS];
};

#define W(a, b, c, d, e)                                                                           \
    {                                                                                              \
        a, b, c, d, e                                                                              \
    }
#define WO(x) W(x, 0, 0, 0, 0)
#define AN(x) W(0, x, 0, 0, 0)
#define HA(x) W(0, 0, x, 0, 0)
#define EX(x) W(0, 0, 0, x, 0)
#define SA(x) W(0, 0, 0, 0, x)

static const struct lex_src KO[] = {
    /* 걱정 worry / fear */
    {"걱정", WO(1.0f)},
    {"불안", WO(1.0f)},
    {"초조", WO(1.0f)},
    {"긴장", WO(0.8f)},
    {"무섭", WO(1.0f)},
    {"무서", WO(1.0f)},
    {"두렵", WO(1.0f)},
    {"두려", WO(1.0f)},
    {"겁나", WO(1.0f)},
    {"겁이", WO(1.0f)},
    {"겁먹", WO(1.0f)},
    {"염려", WO(1.0f)},
    {"근심", WO(1.0f)},
    {"떨리", W(0.6f, 0, 0, 0.4f, 0)},
    {"떨려", W(0.6f, 0, 0, 0.4f, 0)},
    {"떨렸", W(0.6f, 0, 0, 0.4f, 0)},
    {"조마조마", WO(1.0f)},
    {"막막", W(0.6f, 0, 0, 0, 0.4f)},
    {"심란", WO(0.8f)},
    {"우려", WO(1.0f)},
    {"공포", WO(1.0f)},
    {"식은땀", WO(0.8f)},
    {"불길", WO(0.8f)},
    {"어떡하", WO(0.8f)},
    {"어떡해", WO(0.8f)},
    {"어쩌지", WO(0.8f)},
    {"스트레스", W(0.6f, 0.4f, 0, 0, 0)},
    {"부담", WO(0.7f)},
    {"압박", WO(0.6f)},
    {"큰일", WO(0.8f)},
    {"망하", W(0.6f, 0, 0, 0, 0.3f)},
    {"망할", W(0.5f, 0.3f, 0, 0, 0)},
    {"망치", W(0.5f, 0, 0, 0, 0.4f)},
    {"무서움", WO(1.0f)},
    {"겁", WO(0.6f)},
    {"불면", WO(0.6f)},
    {"잠이 안", WO(0.5f)},
    {"떨림", WO(0.6f)},
    {"위험", WO(0.6f)},
    {"조급", WO(0.7f)},
    {"안절부절", WO(1.0f)},
    {"전전긍긍", WO(1.0f)},
    {"신경쓰", WO(0.6f)},
    {"신경 쓰", WO(0.6f)},
    {"불확실", WO(0.6f)},
    {"혹시", WO(0.3f)},
    {"무슨 일", WO(0.3f)},
    {"아플까", WO(0.8f)},
    {"걱정되", WO(1.0f)},
    {"두근거", W(0.4f, 0, 0, 0.6f, 0)},
    {"소름", WO(0.6f)},
    {"끔찍", W(0.6f, 0.4f, 0, 0, 0)},
    {"숨막", WO(0.6f)},

    /* 분노 angry / annoyed / disgusted */
    {"화나", AN(1.0f)},
    {"화가", AN(1.0f)},
    {"화났", AN(1.0f)},
    {"화내", AN(0.9f)},
    {"화난", AN(1.0f)},
    {"화딱지", AN(1.0f)},
    {"짜증", AN(1.0f)},
    {"열받", AN(1.0f)},
    {"열 받", AN(1.0f)},
    {"빡치", AN(1.0f)},
    {"빡쳐", AN(1.0f)},
    {"빡쳤", AN(1.0f)},
    {"빡침", AN(1.0f)},
    {"분노", AN(1.0f)},
    {"분하", AN(0.9f)},
    {"분해", AN(0.9f)},
    {"억울", W(0, 0.7f, 0, 0, 0.4f)},
    {"어이없", AN(1.0f)},
    {"어이가 없", AN(1.0f)},
    {"황당", AN(0.8f)},
    {"어처구니", AN(1.0f)},
    {"기가 막", AN(0.8f)},
    {"싫", AN(0.7f)},
    {"미워", AN(0.8f)},
    {"밉", AN(0.8f)},
    {"혐오", AN(1.0f)},
    {"역겹", AN(1.0f)},
    {"역겨", AN(1.0f)},
    {"최악", AN(0.9f)},
    {"불쾌", AN(0.9f)},
    {"괘씸", AN(1.0f)},
    {"답답", AN(0.7f)},
    {"신경질", AN(1.0f)},
    {"무례", AN(0.8f)},
    {"뻔뻔", AN(0.9f)},
    {"한심", AN(0.9f)},
    {"약오르", AN(0.8f)},
    {"약올라", AN(0.8f)},
    {"성질", AN(0.7f)},
    {"열불", AN(1.0f)},
    {"울화", AN(1.0f)},
    {"꼴보기", AN(1.0f)},
    {"꼴 보기", AN(1.0f)},
    {"지겹", AN(0.6f)},
    {"지겨", AN(0.6f)},
    {"귀찮", AN(0.5f)},
    {"싸웠", AN(0.8f)},
    {"싸우", AN(0.6f)},
    {"싸움", AN(0.6f)},
    {"다퉜", AN(0.8f)},
    {"다투", AN(0.6f)},
    {"시끄럽", AN(0.6f)},
    {"시끄러", AN(0.6f)},
    {"불공평", AN(0.8f)},
    {"부당", AN(0.8f)},
    {"실망", W(0, 0.5f, 0, 0, 0.6f)},
    {"개빡", AN(1.0f)},
    {"빡", AN(0.6f)},
    {"쓰레기", AN(0.9f)},
    {"욕했", AN(0.7f)},
    {"욕을", AN(0.6f)},
    {"욕나", AN(0.9f)},
    {"미친", AN(0.6f)},
    {"미쳤", AN(0.5f)},
    {"짜증나", AN(1.0f)},
    {"분통", AN(1.0f)},
    {"극혐", AN(1.0f)},
    {"어이상실", AN(1.0f)},
    {"기분 나쁘", AN(0.8f)},
    {"기분나쁘", AN(0.8f)},
    {"기분 나빴", AN(0.8f)},
    {"기분나빴", AN(0.8f)},
    {"나쁜", AN(0.5f)},
    {"나빴", AN(0.5f)},
    {"얄밉", AN(0.8f)},
    {"얄미", AN(0.8f)},
    {"째려", AN(0.6f)},
    {"소리 질", AN(0.7f)},
    {"소리질", AN(0.7f)},
    {"무시", AN(0.7f)},
    {"배신", W(0, 0.8f, 0, 0, 0.4f)},
    {"거짓말", AN(0.6f)},
    {"사기", AN(0.6f)},
    {"개념", AN(0.4f)},
    {"갑질", AN(1.0f)},

    /* 행복 happy / joyful / content */
    {"행복", HA(1.0f)},
    {"기쁘", HA(1.0f)},
    {"기뻐", HA(1.0f)},
    {"기뻤", HA(1.0f)},
    {"기쁜", HA(1.0f)},
    {"기쁨", HA(1.0f)},
    {"즐겁", HA(1.0f)},
    {"즐거", HA(1.0f)},
    {"즐겼", HA(0.9f)},
    {"즐기", HA(0.7f)},
    {"좋", HA(0.8f)},
    {"신나", HA(0.9f)},
    {"신났", HA(0.9f)},
    {"신난", HA(0.9f)},
    {"재밌", HA(1.0f)},
    {"재미있", HA(1.0f)},
    {"재미", HA(0.8f)},
    {"웃었", HA(0.8f)},
    {"웃음", HA(0.8f)},
    {"웃기", HA(0.6f)},
    {"웃겼", HA(0.7f)},
    {"웃겨", HA(0.6f)},
    {"뿌듯", HA(1.0f)},
    {"만족", HA(0.9f)},
    {"감사", HA(0.8f)},
    {"고마", HA(0.8f)},
    {"고맙", HA(0.8f)},
    {"다행", HA(0.9f)},
    {"편안", HA(0.8f)},
    {"편하", HA(0.6f)},
    {"평화", HA(0.7f)},
    {"흐뭇", HA(1.0f)},
    {"사랑", HA(0.9f)},
    {"최고", HA(0.9f)},
    {"맛있", HA(0.8f)},
    {"맛나", HA(0.7f)},
    {"상쾌", HA(0.9f)},
    {"개운", HA(0.8f)},
    {"홀가분", HA(0.9f)},
    {"후련", HA(0.8f)},
    {"훈훈", HA(0.8f)},
    {"따뜻", HA(0.5f)},
    {"힐링", HA(0.9f)},
    {"여유", HA(0.6f)},
    {"축하", HA(0.8f)},
    {"성공", HA(0.7f)},
    {"합격", W(0, 0, 0.8f, 0.3f, 0)},
    {"칭찬", HA(0.8f)},
    {"귀엽", HA(0.8f)},
    {"귀여", HA(0.8f)},
    {"예쁘", HA(0.7f)},
    {"예뻐", HA(0.7f)},
    {"예뻤", HA(0.7f)},
    {"멋지", HA(0.7f)},
    {"멋있", HA(0.7f)},
    {"멋졌", HA(0.7f)},
    {"감동", HA(0.9f)},
    {"소확행", HA(1.0f)},
    {"꿀잼", HA(1.0f)},
    {"든든", HA(0.7f)},
    {"안심", HA(0.8f)},
    {"하하", HA(0.7f)},
    {"히히", HA(0.8f)},
    {"헤헤", HA(0.8f)},
    {"유쾌", HA(0.9f)},
    {"흡족", HA(0.9f)},
    {"기분이 좋", HA(1.0f)},
    {"기분좋", HA(1.0f)},
    {"반가", HA(0.8f)},
    {"반갑", HA(0.8f)},
    {"고마워", HA(0.8f)},
    {"신기", HA(0.4f)},
    {"꿀맛", HA(0.9f)},
    {"푹 쉬", HA(0.6f)},
    {"아늑", HA(0.7f)},
    {"포근", HA(0.7f)},
    {"훌륭", HA(0.7f)},
    {"잘했", HA(0.6f)},
    {"대박", W(0, 0, 0.6f, 0.4f, 0)},

    /* 설렘 excited / anticipating / hopeful */
    {"설레", EX(1.0f)},
    {"설렌", EX(1.0f)},
    {"설렜", EX(1.0f)},
    {"설렘", EX(1.0f)},
    {"설레임", EX(1.0f)},
    {"기대", EX(1.0f)},
    {"두근", EX(0.9f)},
    {"기다려지", EX(1.0f)},
    {"기다려진", EX(1.0f)},
    {"손꼽아", EX(1.0f)},
    {"고대", EX(0.7f)},
    {"희망", EX(0.8f)},
    {"바라", EX(0.4f)},
    {"소망", EX(0.7f)},
    {"꿈꾸", EX(0.7f)},
    {"응원", EX(0.9f)},
    {"화이팅", EX(0.9f)},
    {"파이팅", EX(0.9f)},
    {"힘내", EX(0.7f)},
    {"잘되길", EX(0.9f)},
    {"잘 되길", EX(0.9f)},
    {"되길", EX(0.6f)},
    {"기원", EX(0.8f)},
    {"들뜨", EX(1.0f)},
    {"들떠", EX(1.0f)},
    {"들떴", EX(1.0f)},
    {"콩닥", EX(1.0f)},
    {"심쿵", EX(1.0f)},
    {"가슴이 뛰", EX(0.9f)},
    {"고백", EX(0.6f)},
    {"첫 데이트", EX(1.0f)},
    {"데이트", EX(0.6f)},
    {"여행", EX(0.5f)},
    {"소풍", EX(0.6f)},
    {"빨리 보고", EX(0.7f)},
    {"기다리", EX(0.4f)},
    {"기다린", EX(0.4f)},
    {"내일이 기", EX(0.6f)},
    {"새로운 시작", EX(0.8f)},
    {"첫 출근", EX(0.6f)},
    {"입학", EX(0.5f)},
    {"콘서트", EX(0.5f)},
    {"선물", W(0, 0, 0.4f, 0.4f, 0)},
    {"궁금", EX(0.4f)},
    {"계획", EX(0.4f)},
    {"해보고 싶", EX(0.8f)},
    {"하고 싶", EX(0.5f)},
    {"가고 싶", EX(0.6f)},
    {"가보고 싶", EX(0.8f)},
    {"될 것 같", EX(0.4f)},
    {"잘될", EX(0.6f)},
    {"잘 될", EX(0.6f)},
    {"기대돼", EX(1.0f)},
    {"기대된", EX(1.0f)},
    {"두근두근", EX(1.0f)},

    /* 슬픔 sad / lonely / despairing */
    {"슬프", SA(1.0f)},
    {"슬퍼", SA(1.0f)},
    {"슬펐", SA(1.0f)},
    {"슬픈", SA(1.0f)},
    {"슬픔", SA(1.0f)},
    {"우울", SA(1.0f)},
    {"눈물", SA(1.0f)},
    {"울었", SA(1.0f)},
    {"울고", SA(0.9f)},
    {"울어", SA(0.8f)},
    {"울면", SA(0.8f)},
    {"울음", SA(0.9f)},
    {"울컥", SA(1.0f)},
    {"울적", SA(1.0f)},
    {"서럽", SA(1.0f)},
    {"서러", SA(1.0f)},
    {"서운", SA(0.9f)},
    {"외롭", SA(1.0f)},
    {"외로", SA(1.0f)},
    {"쓸쓸", SA(1.0f)},
    {"허전", SA(0.9f)},
    {"그립", SA(0.9f)},
    {"그리워", SA(0.9f)},
    {"그리웠", SA(0.9f)},
    {"그리움", SA(0.9f)},
    {"보고싶", SA(0.7f)},
    {"보고 싶", SA(0.7f)},
    {"아쉽", SA(0.6f)},
    {"아쉬", SA(0.6f)},
    {"속상", SA(1.0f)},
    {"상처", SA(0.9f)},
    {"절망", SA(1.0f)},
    {"비참", SA(1.0f)},
    {"허무", SA(0.9f)},
    {"공허", SA(0.9f)},
    {"힘들", W(0.3f, 0, 0, 0, 0.7f)},
    {"힘든", W(0.3f, 0, 0, 0, 0.7f)},
    {"힘드", W(0.3f, 0, 0, 0, 0.7f)},
    {"힘겨", SA(0.7f)},
    {"지치", SA(0.7f)},
    {"지쳐", SA(0.7f)},
    {"지쳤", SA(0.7f)},
    {"괴롭", SA(0.9f)},
    {"괴로", SA(0.9f)},
    {"마음이 아프", SA(1.0f)},
    {"마음이 아팠", SA(1.0f)},
    {"가슴이 아프", SA(1.0f)},
    {"흑흑", SA(1.0f)},
    {"엉엉", SA(1.0f)},
    {"훌쩍", SA(0.8f)},
    {"죽고 싶", SA(1.0f)},
    {"죽고싶", SA(1.0f)},
    {"후회", SA(0.6f)},
    {"불쌍", SA(0.7f)},
    {"안타깝", SA(0.7f)},
    {"안타까", SA(0.7f)},
    {"이별", SA(0.9f)},
    {"헤어졌", SA(0.9f)},
    {"헤어지", SA(0.7f)},
    {"떠났", SA(0.6f)},
    {"돌아가셨", SA(1.0f)},
    {"비통", SA(1.0f)},
    {"먹먹", SA(0.9f)},
    {"우울증", SA(1.0f)},
    {"무기력", SA(0.8f)},
    {"좌절", SA(0.9f)},
    {"낙담", SA(0.9f)},
    {"상심", SA(0.9f)},
    {"침울", SA(1.0f)},
    {"의욕이 없", SA(0.8f)},
    {"혼자", SA(0.4f)},
    {"외톨이", SA(0.9f)},
    {"미안", SA(0.4f)},
    {"죄송", SA(0.3f)},
    {"떨어졌", SA(0.5f)},
    {"불합격", SA(1.0f)},
    {"탈락", SA(0.9f)},
    {"아팠", SA(0.4f)},
    {"아프", SA(0.3f)},
    {"눈시울", SA(0.9f)},
    {"한숨", W(0.4f, 0, 0, 0, 0.5f)},
};

static const struct lex_src EN[] = {
    {"worr", WO(1.0f)},
    {"anxi", WO(1.0f)},
    {"nervous", WO(1.0f)},
    {"scare", WO(1.0f)},
    {"afraid", WO(1.0f)},
    {"fear", WO(1.0f)},
    {"stress", WO(0.7f)},
    {"concern", WO(0.7f)},
    {"panic", WO(1.0f)},
    {"terrif", WO(1.0f)},
    {"frighten", WO(1.0f)},
    {"angry", AN(1.0f)},
    {"anger", AN(1.0f)},
    {"mad", AN(0.8f)},
    {"annoy", AN(1.0f)},
    {"hate", AN(1.0f)},
    {"furious", AN(1.0f)},
    {"pissed", AN(1.0f)},
    {"irritat", AN(1.0f)},
    {"disgust", AN(1.0f)},
    {"unfair", AN(0.8f)},
    {"rude", AN(0.8f)},
    {"wtf", AN(0.8f)},
    {"stupid", AN(0.7f)},
    {"awful", AN(0.6f)},
    {"terrible", AN(0.6f)},
    {"happy", HA(1.0f)},
    {"happi", HA(1.0f)},
    {"glad", HA(1.0f)},
    {"joy", HA(1.0f)},
    {"fun", HA(0.8f)},
    {"love", HA(0.9f)},
    {"great", HA(0.7f)},
    {"awesome", HA(0.8f)},
    {"nice", HA(0.6f)},
    {"good", HA(0.6f)},
    {"yay", HA(1.0f)},
    {"thank", HA(0.7f)},
    {"grateful", HA(0.8f)},
    {"enjoy", HA(0.9f)},
    {"lol", HA(0.6f)},
    {"haha", HA(0.8f)},
    {"excit", EX(1.0f)},
    {"thrill", EX(1.0f)},
    {"hope", EX(0.8f)},
    {"hoping", EX(0.8f)},
    {"eager", EX(0.9f)},
    {"psyched", EX(1.0f)},
    {"sad", SA(1.0f)},
    {"depress", SA(1.0f)},
    {"lonely", SA(1.0f)},
    {"cry", SA(1.0f)},
    {"cried", SA(1.0f)},
    {"miss", SA(0.7f)},
    {"upset", W(0, 0.4f, 0, 0, 0.6f)},
    {"heartbr", SA(1.0f)},
    {"tears", SA(0.9f)},
    {"grief", SA(1.0f)},
    {"sorrow", SA(1.0f)},
    {"unhappy", SA(1.0f)},
};

/* Decodes a UTF-8 literal into code points (the tables above are valid UTF-8). */
static int decode_word(const char *w, struct emo_lex_entry *e)
{
    const unsigned char *s = (const unsigned char *)w;
    size_t n = strlen(w), i = 0;
    e->len = 0;
    while (i < n) {
        uint32_t c;
        unsigned char b = s[i];
        if (b < 0x80) {
            c = b;
            i += 1;
        } else if ((b & 0xE0) == 0xC0 && i + 1 < n) {
            c = ((uint32_t)(b & 0x1F) << 6) | (s[i + 1] & 0x3Fu);
            i += 2;
        } else if ((b & 0xF0) == 0xE0 && i + 2 < n) {
            c = ((uint32_t)(b & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) |
                (s[i + 2] & 0x3Fu);
            i += 3;
        } else {
            return -1;
        }
        if (e->len >= sizeof e->cp / sizeof e->cp[0])
            return -1;
        e->cp[e->len++] = c;
    }
    return e->len ? 0 : -1;
}

static int cmp_entry(const void *pa, const void *pb)
{
    const struct emo_lex_entry *a = pa, *b = pb;
    if (a->cp[0] != b->cp[0])
        return a->cp[0] < b->cp[0] ? -1 : 1;
    if (a->len != b->len)
        return a->len > b->len ? -1 : 1;
    return memcmp(a->cp, b->cp, a->len * sizeof(uint32_t));
}

int emo_lexicon_build(struct emo_lexicon *out)
{
    size_t nko = sizeof KO / sizeof KO[0], nen = sizeof EN / sizeof EN[0];
    out->n = 0;
    out->e = calloc(nko + nen, sizeof *out->e);
    if (!out->e)
        return -1;
    for (size_t i = 0; i < nko + nen; i++) {
        const struct lex_src *src = i < nko ? &KO[i] : &EN[i - nko];
        struct emo_lex_entry *e = &out->e[out->n];
        if (decode_word(src->word, e) != 0)
            continue; /* cannot happen with the tables above; tests check the count */
        /* Entries with a space ("기분이 좋") match a token and the start of the next one. */
        e->latin = i >= nko;
        memcpy(e->w, src->w, sizeof e->w);
        out->n++;
    }
    qsort(out->e, out->n, sizeof *out->e, cmp_entry);
    return 0;
}

void emo_lexicon_free(struct emo_lexicon *lx)
{
    if (!lx)
        return;
    free(lx->e);
    lx->e = NULL;
    lx->n = 0;
}
