/*
 * A test-only ALSA control plugin (alsa-lib's external control API,
 * <alsa/control_external.h>): a "card" whose mixer controls are described by
 * a state file in the format `alsactl store` writes (the "!!Alsactl output"
 * section of an alsa-info.sh dump), so the tests can give alsa-lib the
 * controls of real machines. Every write is saved back to that file at once
 * (written to a temporary file, then renamed), so a change one process makes
 * (micdoctor fix) is what the next one sees (micdoctor undo, amixer).
 *
 * Configuration (see micdoctor-test-alsa.conf.in):
 *   ctl.!hw { @args [ CARD ] ... type micdoctor_test card $CARD state_dir "/dir" }
 * opens <state_dir>/<CARD>.state; a card without a state file does not exist
 * (-ENODEV), like an unplugged one.
 *
 * Only MIXER controls of types BOOLEAN, INTEGER and ENUMERATED are offered
 * (CARD jacks and PCM maps are skipped); a control's dB range ("dbmin",
 * "dbmax" in its comment) is given to alsa-lib as a DB_MINMAX TLV, the
 * linear dB scale HD-Audio and USB amplifiers have. A control with the TLV
 * alsactl stores ("tlv" in its comment, hex words: type, length, data; e.g. a
 * DB_SCALE whose lowest step mutes, as SOF topology volumes have) is given
 * exactly that TLV.
 */
#include <alsa/asoundlib.h>
#include <alsa/control_external.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CONTROLS 256
#define MAX_VALUES 32
#define MAX_ITEMS 32
#define NAME_LEN 64
#define MAX_TLV_WORDS 8

struct control {
  char name[NAME_LEN];
  int index;
  int type; /* SND_CTL_ELEM_TYPE_BOOLEAN / INTEGER / ENUMERATED */
  unsigned int count;
  long min, max;
  int has_db;
  long db_min, db_max; /* 0.01 dB */
  unsigned int tlv_words; /* the alsactl "tlv" when given (0: a DB_MINMAX from db_min, db_max) */
  unsigned int tlv[MAX_TLV_WORDS];
  unsigned int items;
  char item[MAX_ITEMS][NAME_LEN];
  long value[MAX_VALUES];
};

struct card {
  snd_ctl_ext_t ext;
  char path[PATH_MAX];
  char id[16]; /* an ALSA card id: at most 15 characters */
  unsigned int count;
  struct control controls[MAX_CONTROLS];
};

static const char *string_of(snd_config_t *node) {
  const char *text = NULL;
  if (node != NULL && snd_config_get_type(node) == SND_CONFIG_TYPE_STRING) snd_config_get_string(node, &text);
  return text;
}

static int number_of(snd_config_t *node, long *out) {
  long long wide = 0;
  if (node == NULL) return -1;
  if (snd_config_get_integer(node, out) == 0) return 0;
  if (snd_config_get_integer64(node, &wide) == 0) {
    *out = (long)wide;
    return 0;
  }
  const char *text = string_of(node);
  if (text == NULL) return -1;
  char *end = NULL;
  *out = strtol(text, &end, 10);
  return end == text ? -1 : 0;
}

static snd_config_t *child(snd_config_t *node, const char *key) {
  snd_config_t *found = NULL;
  return snd_config_search(node, key, &found) == 0 ? found : NULL;
}

/* One value as alsactl writes it: true/false, a number, or an item's name. */
static int parse_value(const struct control *c, snd_config_t *node, long *out) {
  const char *text = string_of(node);
  if (c->type == SND_CTL_ELEM_TYPE_BOOLEAN) {
    if (text != NULL) {
      *out = strcmp(text, "true") == 0 || strcmp(text, "on") == 0;
      return 0;
    }
    return number_of(node, out);
  }
  if (c->type == SND_CTL_ELEM_TYPE_ENUMERATED && text != NULL) {
    for (unsigned int i = 0; i < c->items; ++i) {
      if (strcmp(c->item[i], text) == 0) {
        *out = (long)i;
        return 0;
      }
    }
    return -1;
  }
  return number_of(node, out);
}

/* alsactl's "tlv" comment: 8 hex digits per 32-bit word, a whole TLV of a
 * known dB type (its length word matching). */
static int parse_tlv(struct control *c, const char *hex) {
  if (hex == NULL) return 0;
  const size_t digits = strlen(hex);
  if (digits % 8 != 0 || digits / 8 < 2 || digits / 8 > MAX_TLV_WORDS) return -1;
  unsigned int words[MAX_TLV_WORDS];
  for (size_t i = 0; i < digits / 8; ++i) {
    char word[9];
    memcpy(word, hex + 8 * i, 8);
    word[8] = '\0';
    char *end = NULL;
    words[i] = (unsigned int)strtoul(word, &end, 16);
    if (*end != '\0') return -1;
  }
  if (words[1] != (digits / 8 - 2) * sizeof(unsigned int)) return -1;
  memcpy(c->tlv, words, sizeof words);
  c->tlv_words = (unsigned int)(digits / 8);
  c->has_db = 1;
  return 0;
}

static int load_control(struct control *c, snd_config_t *node) {
  const char *iface = string_of(child(node, "iface"));
  const char *name = string_of(child(node, "name"));
  const char *type = string_of(child(node, "comment.type"));
  if (iface == NULL || strcmp(iface, "MIXER") != 0 || name == NULL || type == NULL) return -1;
  memset(c, 0, sizeof *c);
  snprintf(c->name, sizeof c->name, "%s", name);
  long number = 0;
  if (number_of(child(node, "index"), &number) == 0) c->index = (int)number;
  if (strcmp(type, "BOOLEAN") == 0) {
    c->type = SND_CTL_ELEM_TYPE_BOOLEAN;
    c->max = 1;
  } else if (strcmp(type, "INTEGER") == 0) {
    c->type = SND_CTL_ELEM_TYPE_INTEGER;
    const char *range = string_of(child(node, "comment.range"));
    if (range == NULL || sscanf(range, "%ld - %ld", &c->min, &c->max) != 2) return -1;
    long db_min = 0, db_max = 0;
    if (number_of(child(node, "comment.dbmin"), &db_min) == 0 && number_of(child(node, "comment.dbmax"), &db_max) == 0 &&
        db_min > -9999999) {
      c->has_db = 1;
      c->db_min = db_min;
      c->db_max = db_max;
    }
    if (parse_tlv(c, string_of(child(node, "comment.tlv"))) != 0) return -1;
  } else if (strcmp(type, "ENUMERATED") == 0) {
    c->type = SND_CTL_ELEM_TYPE_ENUMERATED;
    for (; c->items < MAX_ITEMS; ++c->items) {
      char key[32];
      snprintf(key, sizeof key, "comment.item.%u", c->items);
      const char *item = string_of(child(node, key));
      if (item == NULL) break;
      snprintf(c->item[c->items], NAME_LEN, "%s", item);
    }
    if (c->items == 0) return -1;
  } else {
    return -1;
  }
  if (number_of(child(node, "comment.count"), &number) != 0 || number < 1 || number > MAX_VALUES) return -1;
  c->count = (unsigned int)number;
  snd_config_t *single = child(node, "value");
  if (single != NULL && snd_config_get_type(single) != SND_CONFIG_TYPE_COMPOUND) {
    return parse_value(c, single, &c->value[0]);  /* "value X": count 1 */
  }
  for (unsigned int i = 0; i < c->count; ++i) {
    char key[32];
    snprintf(key, sizeof key, "value.%u", i);
    if (parse_value(c, child(node, key), &c->value[i]) != 0) return -1;
  }
  return 0;
}

static int load_card(struct card *card) {
  snd_input_t *in = NULL;
  snd_config_t *top = NULL;
  if (access(card->path, R_OK) != 0) return -ENODEV;
  int err = snd_input_stdio_open(&in, card->path, "r");
  if (err < 0) return -ENODEV;
  err = snd_config_top(&top);
  if (err == 0) err = snd_config_load(top, in);
  snd_input_close(in);
  if (err < 0) {
    if (top) snd_config_delete(top);
    return err;
  }
  snd_config_t *state = child(top, "state");
  snd_config_iterator_t i, next;
  snd_config_t *controls = NULL;
  if (state != NULL) {
    snd_config_for_each(i, next, state) {
      /* the first (only) card in the file; "control.1 {...}" is "control { 1 {...} }" */
      controls = child(snd_config_iterator_entry(i), "control");
      break;
    }
  }
  if (controls == NULL) {
    snd_config_delete(top);
    return -EINVAL;
  }
  snd_config_for_each(i, next, controls) {
    if (card->count >= MAX_CONTROLS) break;
    if (load_control(&card->controls[card->count], snd_config_iterator_entry(i)) == 0) card->count++;
  }
  snd_config_delete(top);
  return 0;
}

static void write_quoted(FILE *f, const char *text) {
  fputc('\'', f);
  for (const char *p = text; *p; ++p) {
    if (*p == '\'' || *p == '\\') fputc('\\', f);
    fputc(*p, f);
  }
  fputc('\'', f);
}

static void write_value(FILE *f, const struct control *c, long v) {
  if (c->type == SND_CTL_ELEM_TYPE_BOOLEAN) fputs(v ? "true" : "false", f);
  else if (c->type == SND_CTL_ELEM_TYPE_ENUMERATED) write_quoted(f, c->item[v]);
  else fprintf(f, "%ld", v);
}

/* Saves the whole card in alsactl's format: temporary file, then rename. */
static int save_card(const struct card *card) {
  char temp[PATH_MAX + 16];
  snprintf(temp, sizeof temp, "%s.%ld.tmp", card->path, (long)getpid());
  FILE *f = fopen(temp, "w");
  if (f == NULL) return -errno;
  fprintf(f, "state.%s {\n", card->id);
  for (unsigned int n = 0; n < card->count; ++n) {
    const struct control *c = &card->controls[n];
    fprintf(f, "\tcontrol.%u {\n\t\tiface MIXER\n\t\tname ", n + 1);
    write_quoted(f, c->name);
    fputc('\n', f);
    if (c->index) fprintf(f, "\t\tindex %d\n", c->index);
    for (unsigned int i = 0; i < c->count; ++i) {
      fprintf(f, "\t\tvalue.%u ", i);
      write_value(f, c, c->value[i]);
      fputc('\n', f);
    }
    fprintf(f, "\t\tcomment {\n\t\t\taccess 'read write'\n\t\t\ttype %s\n\t\t\tcount %u\n",
            c->type == SND_CTL_ELEM_TYPE_BOOLEAN ? "BOOLEAN"
            : c->type == SND_CTL_ELEM_TYPE_INTEGER ? "INTEGER" : "ENUMERATED", c->count);
    if (c->type == SND_CTL_ELEM_TYPE_INTEGER) {
      fprintf(f, "\t\t\trange '%ld - %ld'\n", c->min, c->max);
      if (c->has_db && c->tlv_words == 0) fprintf(f, "\t\t\tdbmin %ld\n\t\t\tdbmax %ld\n", c->db_min, c->db_max);
      if (c->tlv_words > 0) {
        fputs("\t\t\ttlv '", f);
        for (unsigned int w = 0; w < c->tlv_words; ++w) fprintf(f, "%08x", c->tlv[w]);
        fputs("'\n", f);
      }
    }
    for (unsigned int i = 0; i < c->items; ++i) {
      fprintf(f, "\t\t\titem.%u ", i);
      write_quoted(f, c->item[i]);
      fputc('\n', f);
    }
    fputs("\t\t}\n\t}\n", f);
  }
  fputs("}\n", f);
  int failed = fflush(f) != 0 || fsync(fileno(f)) != 0;
  failed |= fclose(f) != 0;
  if (failed || rename(temp, card->path) != 0) {
    unlink(temp);
    return -EIO;
  }
  return 0;
}

static struct card *card_of(snd_ctl_ext_t *ext) { return (struct card *)ext->private_data; }

static struct control *control_of(snd_ctl_ext_t *ext, snd_ctl_ext_key_t key) {
  struct card *card = card_of(ext);
  return key < card->count ? &card->controls[key] : NULL;
}

static int elem_count(snd_ctl_ext_t *ext) { return (int)card_of(ext)->count; }

static int elem_list(snd_ctl_ext_t *ext, unsigned int offset, snd_ctl_elem_id_t *id) {
  const struct control *c = control_of(ext, offset);
  if (c == NULL) return -EINVAL;
  snd_ctl_elem_id_set_interface(id, SND_CTL_ELEM_IFACE_MIXER);
  snd_ctl_elem_id_set_name(id, c->name);
  snd_ctl_elem_id_set_index(id, (unsigned int)c->index);
  return 0;
}

static snd_ctl_ext_key_t find_elem(snd_ctl_ext_t *ext, const snd_ctl_elem_id_t *id) {
  struct card *card = card_of(ext);
  const unsigned int numid = snd_ctl_elem_id_get_numid(id);
  if (numid > 0 && numid <= card->count) return numid - 1;
  const char *name = snd_ctl_elem_id_get_name(id);
  const unsigned int index = snd_ctl_elem_id_get_index(id);
  for (unsigned int n = 0; n < card->count; ++n) {
    if (strcmp(card->controls[n].name, name) == 0 && (unsigned int)card->controls[n].index == index) return n;
  }
  return SND_CTL_EXT_KEY_NOT_FOUND;
}

static int get_attribute(snd_ctl_ext_t *ext, snd_ctl_ext_key_t key, int *type, unsigned int *acc, unsigned int *count) {
  const struct control *c = control_of(ext, key);
  if (c == NULL) return -EINVAL;
  *type = c->type;
  *acc = SND_CTL_EXT_ACCESS_READWRITE;
  if (c->has_db) *acc |= SND_CTL_EXT_ACCESS_TLV_READ | SND_CTL_EXT_ACCESS_TLV_CALLBACK;
  *count = c->count;
  return 0;
}

static int get_integer_info(snd_ctl_ext_t *ext, snd_ctl_ext_key_t key, long *min, long *max, long *step) {
  const struct control *c = control_of(ext, key);
  if (c == NULL) return -EINVAL;
  *min = c->min;
  *max = c->max;
  *step = 0;
  return 0;
}

static int get_enumerated_info(snd_ctl_ext_t *ext, snd_ctl_ext_key_t key, unsigned int *items) {
  const struct control *c = control_of(ext, key);
  if (c == NULL) return -EINVAL;
  *items = c->items;
  return 0;
}

static int get_enumerated_name(snd_ctl_ext_t *ext, snd_ctl_ext_key_t key, unsigned int item, char *name,
                               size_t name_max_len) {
  const struct control *c = control_of(ext, key);
  if (c == NULL || item >= c->items) return -EINVAL;
  snprintf(name, name_max_len, "%s", c->item[item]);
  return 0;
}

static int read_integer(snd_ctl_ext_t *ext, snd_ctl_ext_key_t key, long *value) {
  const struct control *c = control_of(ext, key);
  if (c == NULL) return -EINVAL;
  for (unsigned int i = 0; i < c->count; ++i) value[i] = c->value[i];
  return 0;
}

static int read_enumerated(snd_ctl_ext_t *ext, snd_ctl_ext_key_t key, unsigned int *items) {
  const struct control *c = control_of(ext, key);
  if (c == NULL) return -EINVAL;
  for (unsigned int i = 0; i < c->count; ++i) items[i] = (unsigned int)c->value[i];
  return 0;
}

/* Returns 1 when a value changed (and was saved), 0 when nothing changed. */
static int write_values(snd_ctl_ext_t *ext, snd_ctl_ext_key_t key, const long *values) {
  struct control *c = control_of(ext, key);
  if (c == NULL) return -EINVAL;
  int changed = 0;
  for (unsigned int i = 0; i < c->count; ++i) {
    const long upper = c->type == SND_CTL_ELEM_TYPE_ENUMERATED ? (long)c->items - 1 : c->max;
    if (values[i] < c->min || values[i] > upper) return -EINVAL;
    changed |= c->value[i] != values[i];
  }
  if (!changed) return 0;
  long old[MAX_VALUES];
  memcpy(old, c->value, sizeof old);
  for (unsigned int i = 0; i < c->count; ++i) c->value[i] = values[i];
  const int err = save_card(card_of(ext));
  if (err < 0) {
    memcpy(c->value, old, sizeof old);
    return err;
  }
  return 1;
}

static int write_integer(snd_ctl_ext_t *ext, snd_ctl_ext_key_t key, long *value) {
  return write_values(ext, key, value);
}

static int write_enumerated(snd_ctl_ext_t *ext, snd_ctl_ext_key_t key, unsigned int *items) {
  long values[MAX_VALUES] = {0};
  const struct control *c = control_of(ext, key);
  if (c == NULL) return -EINVAL;
  for (unsigned int i = 0; i < c->count; ++i) values[i] = (long)items[i];
  return write_values(ext, key, values);
}

static int read_event(snd_ctl_ext_t *ext, snd_ctl_elem_id_t *id, unsigned int *event_mask) {
  (void)ext;
  (void)id;
  (void)event_mask;
  return -EAGAIN;
}

static int tlv_callback(snd_ctl_ext_t *ext, snd_ctl_ext_key_t key, int op_flag, unsigned int numid, unsigned int *tlv,
                        unsigned int tlv_size) {
  (void)numid;
  const struct control *c = control_of(ext, key);
  if (c == NULL || !c->has_db || op_flag != 0) return -ENXIO;
  if (c->tlv_words > 0) {
    if (tlv_size < c->tlv_words * sizeof(unsigned int)) return -ENOMEM;
    memcpy(tlv, c->tlv, c->tlv_words * sizeof(unsigned int));
    return 0;
  }
  if (tlv_size < 4 * sizeof(unsigned int)) return -ENOMEM;
  tlv[0] = SND_CTL_TLVT_DB_MINMAX;
  tlv[1] = 2 * sizeof(unsigned int);
  tlv[2] = (unsigned int)(int)c->db_min;
  tlv[3] = (unsigned int)(int)c->db_max;
  return 0;
}

static void close_card(snd_ctl_ext_t *ext) { free(card_of(ext)); }

static const snd_ctl_ext_callback_t callbacks = {
    .close = close_card,
    .elem_count = elem_count,
    .elem_list = elem_list,
    .find_elem = find_elem,
    .get_attribute = get_attribute,
    .get_integer_info = get_integer_info,
    .get_enumerated_info = get_enumerated_info,
    .get_enumerated_name = get_enumerated_name,
    .read_integer = read_integer,
    .read_enumerated = read_enumerated,
    .write_integer = write_integer,
    .write_enumerated = write_enumerated,
    .read_event = read_event,
};

SND_CTL_PLUGIN_DEFINE_FUNC(micdoctor_test) {
  (void)root;
  const char *card_id = NULL;
  const char *state_dir = NULL;
  snd_config_iterator_t i, next;
  snd_config_for_each(i, next, conf) {
    snd_config_t *node = snd_config_iterator_entry(i);
    const char *key = NULL;
    if (snd_config_get_id(node, &key) < 0) continue;
    if (strcmp(key, "comment") == 0 || strcmp(key, "type") == 0 || strcmp(key, "hint") == 0) continue;
    if (strcmp(key, "card") == 0) {
      if (snd_config_get_ascii(node, (char **)&card_id) < 0) return -EINVAL;  /* "hw:0" gives a number */
      continue;
    }
    if (strcmp(key, "state_dir") == 0) {
      state_dir = string_of(node);
      continue;
    }
    SNDERR("Unknown field %s", key);
    return -EINVAL;
  }
  if (card_id == NULL || state_dir == NULL) {
    SNDERR("micdoctor_test needs card and state_dir");
    free((char *)card_id);
    return -EINVAL;
  }
  struct card *card = calloc(1, sizeof *card);
  if (card == NULL) {
    free((char *)card_id);
    return -ENOMEM;
  }
  snprintf(card->id, sizeof card->id, "%s", card_id);
  snprintf(card->path, sizeof card->path, "%s/%s.state", state_dir, card_id);
  free((char *)card_id);
  int err = load_card(card);
  if (err < 0) {
    free(card);
    return err;
  }
  card->ext.version = SND_CTL_EXT_VERSION;
  card->ext.card_idx = 0;
  snprintf(card->ext.id, sizeof card->ext.id, "%s", card->id);
  snprintf(card->ext.driver, sizeof card->ext.driver, "micdoctor_test");
  snprintf(card->ext.name, sizeof card->ext.name, "%s", card->id);
  snprintf(card->ext.longname, sizeof card->ext.longname, "micdoctor test card %.15s", card->id);
  snprintf(card->ext.mixername, sizeof card->ext.mixername, "micdoctor test mixer");
  card->ext.poll_fd = -1;
  card->ext.callback = &callbacks;
  card->ext.private_data = card;
  card->ext.tlv.c = tlv_callback;
  err = snd_ctl_ext_create(&card->ext, name, mode);
  if (err < 0) {
    free(card);
    return err;
  }
  *handlep = card->ext.handle;
  return 0;
}

SND_CTL_PLUGIN_SYMBOL(micdoctor_test);
